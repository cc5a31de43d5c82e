// The training data as the runtime saw it: one record per model call of a role, holding the very chat
// turns the model was given and the raw text it generated, with the label its work earned (review,
// signal) and the split of its task. Labels come from the exporter's units, so `tandem export` and
// `tandem train` judge a step the same way; only the shape differs (no tool-call conversion).
import type { Role } from '../protocol/types.js';
import { splitOf } from '../store/export/split.js';
import { unitStepRecords, type StepRecord } from '../store/export/formats/tandem-steps.js';
import { StoreReader } from '../store/export/store-reader.js';
import { meetsMinSignal, TaskOutcome } from '../store/export/task-outcome.js';
import type { Label } from '../store/export/trajectory.js';
import { taskUnits } from '../store/export/units.js';

export type { StepRecord };

export interface StepQuery {
  role: Role;
  /** Fraction of tasks (by a hash of the id) in the train split. */
  trainFraction: number;
}

export function readStepRecords(dbPath: string, query: StepQuery): StepRecord[] {
  const reader = new StoreReader(dbPath);
  try {
    const records: StepRecord[] = [];
    const applied = reader.appliedInTaskOrder();
    const filter = { roles: [query.role], sinceMs: 0, repoId: null };
    for (const task of reader.tasks(filter)) {
      const { steps } = reader.steps(task.id, [query.role]);
      if (!steps.length) continue;
      const outcome = new TaskOutcome(reader.diffs(task.id), reader.reviews(task.id), applied(task.id), reader.signals(task.id));
      const sources = { turnOf: (ref: string) => reader.turn(ref), blob: (hash: string) => reader.blob(hash) };
      const units = taskUnits(task, steps, outcome, sources);
      records.push(...unitStepRecords(task.id, steps, units, sources, splitOf(task.id, query.trainFraction)));
    }
    return records;
  } finally {
    reader.close();
  }
}

export const isGood = (label: Label, minSignal: 'approved' | 'merged' = 'approved'): boolean => meetsMinSignal(label, minSignal);
export const isBad = (label: Label): boolean => label === 'rejected' || label === 'reverted';

// The training data as the runtime saw it: one record per model call of a role, holding the very chat
// turns the model was given and the raw text it generated, with the label its work earned (review,
// signal) and the split of its task. Labels come from the exporter's units, so `tandem export` and
// `tandem train` judge a step the same way; only the shape differs (no tool-call conversion).
import type { ChatTurn } from '../agents/ports.js';
import type { Role } from '../protocol/types.js';
import { splitOf, type SplitName } from '../store/export/split.js';
import { StoreReader } from '../store/export/store-reader.js';
import { meetsMinSignal, TaskOutcome } from '../store/export/task-outcome.js';
import type { Label } from '../store/export/trajectory.js';
import { taskUnits } from '../store/export/units.js';

export interface StepRecord {
  taskId: string;
  stepId: number;
  role: Role;
  /** The turns the model was given, exactly as recorded. */
  turns: ChatTurn[];
  /** What it generated, as text. */
  output: string;
  label: Label;
  /** Steps of one version of one piece of work (a subtask version, a round) share it; DPO pairs are made across them. */
  pairKey: string;
  /** The first step of its version: the one a preference pair compares. */
  firstOfVersion: boolean;
  split: SplitName;
}

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
      const byId = new Map(steps.map((s) => [s.id, s]));
      const outcome = new TaskOutcome(reader.diffs(task.id), reader.reviews(task.id), applied(task.id), reader.signals(task.id));
      const units = taskUnits(task, steps, outcome, { turnOf: (ref) => reader.turn(ref), blob: (hash) => reader.blob(hash) });
      const split = splitOf(task.id, query.trainFraction);
      // A version's first step is the first of its round: a context break can split a round into several units.
      const seen = new Set<string>();
      for (const unit of units) {
        unit.provenance.step_ids.forEach((id) => {
          const step = byId.get(id)!;
          const version = `${unit.pairKey}@${step.round}`;
          const first = !seen.has(version);
          seen.add(version);
          records.push({
            taskId: task.id, stepId: id, role: query.role,
            turns: step.messages.map((ref) => reader.turn(ref)), output: reader.blob(step.output_hash!),
            label: unit.provenance.label, pairKey: unit.pairKey, firstOfVersion: first, split,
          });
        });
      }
    }
    return records;
  } finally {
    reader.close();
  }
}

export const isGood = (label: Label, minSignal: 'approved' | 'merged' = 'approved'): boolean => meetsMinSignal(label, minSignal);
export const isBad = (label: Label): boolean => label === 'rejected' || label === 'reverted';

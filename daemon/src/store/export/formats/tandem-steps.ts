// `tandem-steps`: the runtime's own text, one record per model call: the chat turns the model was given
// and the raw text it generated, with the label its work earned. `tandem train` renders these with the
// base GGUF's template (training/step-render.ts), so an adapter trains on what Tandem samples; the
// tool-call formats are for other frameworks. `tandem train --from-export DIR` reads them back.
import type { ChatTurn } from '../../../agents/ports.js';
import { ROLES, type Role } from '../../../protocol/types.js';
import type { SplitName } from '../split.js';
import type { StepRow } from '../store-reader.js';
import type { Label, TrajectoryUnit } from '../trajectory.js';
import type { UnitSources } from '../units.js';

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

/** One task's units as step records. */
export function unitStepRecords(taskId: string, steps: StepRow[], units: TrajectoryUnit[], sources: UnitSources, split: SplitName): StepRecord[] {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const records: StepRecord[] = [];
  // A version's first step is the first of its round: a context break can split a round into several units.
  const seen = new Set<string>();
  for (const unit of units) {
    for (const id of unit.provenance.step_ids) {
      const step = byId.get(id)!;
      const version = `${unit.pairKey}@${step.round}`;
      records.push({
        taskId, stepId: id, role: step.role,
        turns: step.messages.map((ref) => sources.turnOf(ref)), output: sources.blob(step.output_hash!),
        label: unit.provenance.label, pairKey: unit.pairKey, firstOfVersion: !seen.has(version), split,
      });
      seen.add(version);
    }
  }
  return records;
}

/** The JSONL record (the split is the file it is in, or the reader's own by task). */
export function stepRecordJson(record: StepRecord): Record<string, unknown> {
  return {
    task_id: record.taskId, step_id: record.stepId, role: record.role, messages: record.turns, output: record.output,
    label: record.label, pair_key: record.pairKey, first_of_version: record.firstOfVersion,
  };
}

const LABELS: readonly Label[] = ['merged', 'reverted', 'approved', 'rejected', 'partial', 'unreviewed'];
const TURN_ROLES = ['system', 'user', 'assistant', 'tool'];

/** Reads one record back; a record that is not one says which field is wrong. */
export function parseStepRecord(value: unknown, split: SplitName): StepRecord | string {
  const r = value as Record<string, unknown>;
  if (!r || typeof r !== 'object') return 'not a JSON object';
  if (typeof r.task_id !== 'string') return 'task_id is not a string';
  if (typeof r.step_id !== 'number') return 'step_id is not a number';
  if (!ROLES.includes(r.role as Role)) return `role is not one of ${ROLES.join(', ')}`;
  if (typeof r.output !== 'string') return 'output is not a string';
  if (!LABELS.includes(r.label as Label)) return `label is not one of ${LABELS.join(', ')}`;
  if (typeof r.pair_key !== 'string' || typeof r.first_of_version !== 'boolean') return 'pair_key or first_of_version is missing';
  const turns = r.messages;
  if (!Array.isArray(turns) || !turns.every((t) => t && TURN_ROLES.includes(t.role) && typeof t.content === 'string')) {
    return 'messages are not chat turns ({role, content})';
  }
  return {
    taskId: r.task_id, stepId: r.step_id, role: r.role as Role, turns: turns as ChatTurn[], output: r.output,
    label: r.label as Label, pairKey: r.pair_key, firstOfVersion: r.first_of_version, split,
  };
}

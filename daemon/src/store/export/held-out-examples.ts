// The examples an adapter is evaluated on (and the ones a trainer may train on, by the same rules):
// tasks on one side of the export's split by task, cut into units and labelled exactly as `tandem export`
// does. Approved actions are the recorded steps of approved units, each with the turns the model was
// given and the text it generated (render them with runtime/step-rendering.ts). Preference pairs are
// the export's DPO pairs, each side as the steps that make it up.
import { createHash } from 'node:crypto';
import type { ChatTurn } from '../../agents/ports.js';
import type { Role } from '../../protocol/types.js';
import type { RecordedStepText } from '../../runtime/step-rendering.js';
import { preferencePairs } from './preference-pairs.js';
import { splitOf, type SplitName } from './split.js';
import { StoreReader, type StepRow } from './store-reader.js';
import { meetsMinSignal, TaskOutcome } from './task-outcome.js';
import type { PairKind, TrajectoryMessage } from './trajectory.js';
import { taskUnits } from './units.js';

export interface ApprovedAction extends RecordedStepText {
  taskId: string;
  stepId: number;
}

/** Both sides of a recorded preference, each as the model's turns to score given what came before them. */
export interface PreferenceSides {
  taskId: string;
  kind: PairKind;
  chosen: RecordedStepText[];
  rejected: RecordedStepText[];
}

export interface HeldOutExamples {
  actions: ApprovedAction[];
  pairs: PreferenceSides[];
  /** A digest of what the examples are: two evaluations compare only when theirs are equal. */
  fingerprint: string;
}

export interface HeldOutOptions {
  role: Role;
  /** The export's train fraction (`--split`); default 0.9. */
  trainFraction?: number;
  /** 'validation' (held out; the default) or 'train'. */
  side?: SplitName;
  minSignal?: 'approved' | 'merged';
}

export const DEFAULT_TRAIN_FRACTION = 0.9;

export function heldOutExamples(dbPath: string, options: HeldOutOptions): HeldOutExamples {
  const fraction = options.trainFraction ?? DEFAULT_TRAIN_FRACTION;
  const side = options.side ?? 'validation';
  const minSignal = options.minSignal ?? 'approved';
  const reader = new StoreReader(dbPath);
  const actions: ApprovedAction[] = [];
  const pairs: PreferenceSides[] = [];
  try {
    const appliedOf = reader.appliedInTaskOrder();
    for (const task of reader.tasks({ roles: [options.role], sinceMs: 0, repoId: null })) {
      if (splitOf(task.id, fraction) !== side) { appliedOf(task.id); continue; }
      const { steps } = reader.steps(task.id, [options.role]);
      const applied = appliedOf(task.id);
      if (!steps.length) continue;
      const turns = new Map<string, ChatTurn>();
      const turnOf = (hash: string) => turns.get(hash) ?? turns.set(hash, reader.turn(hash)).get(hash)!;
      const byId = new Map(steps.map((s) => [s.id, s]));
      const stepText = (step: StepRow): RecordedStepText => ({
        messages: step.messages.map(turnOf),
        output: step.output_hash ? reader.blob(step.output_hash) : JSON.stringify(step.action),
      });
      const outcome = new TaskOutcome(reader.diffs(task.id), reader.reviews(task.id), applied, reader.signals(task.id));
      const units = taskUnits(task, steps, outcome, { turnOf, blob: (hash) => reader.blob(hash) });
      for (const unit of units) {
        if (!meetsMinSignal(unit.provenance.label, minSignal)) continue;
        for (const id of unit.provenance.step_ids) actions.push({ taskId: task.id, stepId: id, ...stepText(byId.get(id)!) });
      }
      const unitSteps = (ids: number[]) => ids.map((id) => stepText(byId.get(id)!));
      for (const pair of preferencePairs(units, minSignal).pairs) {
        const { kind, rejected } = pair.metadata.pair;
        // An edited (or hunk-picked) approval's chosen side is the user's version, which no step generated: both sides are rebuilt alike.
        pairs.push(kind === 'user_edit' || kind === 'kept_hunks'
          ? { taskId: task.id, kind, chosen: rebuiltSteps(pair.prompt, pair.chosen), rejected: rebuiltSteps(pair.prompt, pair.rejected) }
          : { taskId: task.id, kind, chosen: unitSteps(pair.metadata.step_ids), rejected: unitSteps(rejected.step_ids) });
      }
    }
  } finally {
    reader.close();
  }
  const digest = createHash('sha256');
  for (const a of actions) digest.update(`a${a.taskId}:${a.stepId}\n`);
  for (const p of pairs) digest.update(`p${p.taskId}:${p.kind}:${p.chosen.length}:${p.rejected.length}\n`);
  return { actions, pairs, fingerprint: digest.digest('hex').slice(0, 16) };
}

/**
 * A conversation in the export's shape back as chat turns, one scored step per assistant turn: each
 * tool call becomes the action JSON the agents write (`{"tool":…,"args":…}`), each tool result a tool turn.
 */
export function rebuiltSteps(prompt: TrajectoryMessage[], completion: TrajectoryMessage[]): RecordedStepText[] {
  const turns: ChatTurn[] = prompt.map(chatTurn);
  const steps: RecordedStepText[] = [];
  for (const message of completion) {
    const turn = chatTurn(message);
    if (message.role === 'assistant' && !message.context) steps.push({ messages: [...turns], output: turn.content });
    turns.push(turn);
  }
  return steps;
}

function chatTurn(message: TrajectoryMessage): ChatTurn {
  if (message.role === 'assistant') {
    const content = message.toolCall ? JSON.stringify({ tool: message.toolCall.name, args: message.toolCall.arguments }) : message.content;
    return { role: 'assistant', content };
  }
  return { role: message.role, content: message.content };
}

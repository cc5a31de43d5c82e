// Training an adapter from VS Code: the daemon runs `tandem train --run` for a role in a child process
// (the same code as the CLI; the daemon keeps answering), streams its progress as ProgressNotification
// events (ids: 'workspace', 'train' with step/total/loss, 'import', 'eval'), and answers with what the
// CLI's --json prints: the workspace, the training result, the imported (inactive) version and the
// gate's verdict. Cancelling the request stops the run; nothing is imported then.
import type { EvaluateResult } from './adapter-evaluation.js';
import { request } from './messages.js';
import { s } from './params-schema.js';
import { ROLES, type AdapterInfo, type Role } from './types.js';

export const TRAINING_METHODS = ['sft', 'dpo', 'kto'] as const;
export type TrainingMethod = (typeof TRAINING_METHODS)[number];

export interface TrainingRunParams {
  role: Role;
  /** The Hugging Face folder (absolute) or Hub id the base GGUF was converted from. */
  base: string;
  /** Default sft. */
  method?: TrainingMethod;
  /** Training steps (default: the CLI's, 200). */
  steps?: number;
  /** Train fraction of tasks (default 0.8); the evaluation and a later promotion reuse it. */
  split?: number;
  /** A `tandem export --format tandem-steps` folder to train from instead of the store (absolute). */
  fromExport?: string;
}

export interface TrainingRunResult {
  workspace: { dir: string; counts: { train: number; validation: number } };
  training: { steps: number; train_seconds: number; loss_first: number | null; loss_last: number | null; adapter_dir: string; device: string };
  /** The new version, registered inactive: promotion stays the user's call. */
  imported: AdapterInfo;
  evaluation: EvaluateResult;
}

/** Extension: train a LoRA for a role on the recorded work (or an export), import it inactive, evaluate it; cancellable. */
export const TrainingRun = request<TrainingRunParams, TrainingRunResult>()('tandem/training/run', s.object({
  role: s.oneOf(ROLES), base: s.string(), method: s.optional(s.oneOf(TRAINING_METHODS)),
  steps: s.optional(s.number()), split: s.optional(s.number()), fromExport: s.optional(s.string()),
}));

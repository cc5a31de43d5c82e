// The format-neutral shape of what an export writes: conversations of one role, with each
// assistant action as a tool call, and the labels and provenance that come from reviews and signals.
import type { HunkDecision } from '../../protocol/review-hunks.js';
import type { ReviewVerdict, Role } from '../../protocol/types.js';
import type { ReviewedHunk } from './kept-hunks.js';

export interface ToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

export type TrajectoryMessage =
  | { role: 'system' | 'user'; content: string }
  /** `context`: an earlier turn shown as history, not an output this record trains on. */
  | { role: 'assistant'; content: string; toolCall?: ToolCall; context?: boolean }
  | { role: 'tool'; content: string; toolCallId: string; name: string };

/**
 * merged / reverted: a signal about the landed change; approved / rejected / partial: the human's
 * review (partial = some files approved, some rejected); unreviewed: no verdict yet.
 */
export type Label = 'merged' | 'reverted' | 'approved' | 'rejected' | 'partial' | 'unreviewed';

export interface FileVerdict {
  path: string;
  verdict: ReviewVerdict;
  reason: string | null;
  /** What became of each of the file's hunks when it was approved, when recorded. */
  hunks?: HunkDecision[];
}

export interface Provenance {
  task_id: string;
  subtask_id: string | null;
  round: number;
  role: Role;
  step_ids: number[];
  base_model_sha: string | null;
  adapter_version: number | null;
  adapter_sha: string | null;
  /** The kind of work (cluster of a clustering) the steps were routed to; null without one. */
  route?: { clustering: number; cluster: number } | null;
  prompt_version: string;
  repo: { path: string; remote: string | null; base_commit: string; applied_commit: string | null };
  review: { outcome: Label; edited: boolean; files: FileVerdict[] } | null;
  signal: { kind: 'merged' | 'reverted'; source: string; commit_sha: string | null; at: string } | null;
  label: Label;
}

/** One role's own turns on one piece of work: a subtask version (worker) or a round (orchestrator). */
export interface TrajectoryUnit {
  role: Role;
  /** The context the turns start from: system prompt, instruction, earlier history. */
  prompt: TrajectoryMessage[];
  /** The role's own turns and the tool results they got back. */
  completion: TrajectoryMessage[];
  /** The worker's own completion, when `completion` carries the user's edits (or only the hunks they kept) instead. */
  original?: TrajectoryMessage[];
  /** What `original` differs by: the user's edits, or only hunks they dropped. */
  originalKind?: 'user_edit' | 'kept_hunks';
  /** The hunks of files where the user kept some and dropped others (kept-hunks.ts). */
  hunks?: ReviewedHunk[];
  provenance: Provenance;
  /** Units that are versions of the same work share a key; DPO pairs are made within it. */
  pairKey: string;
  /** False when a context break split the version into several units. */
  wholeVersion: boolean;
  /** The version's first unit, the one that starts from the version's own prompt: the one pairs compare. */
  versionStart: boolean;
}

export interface SftExample {
  kind: 'sft';
  role: Role;
  messages: TrajectoryMessage[];
  metadata: Provenance;
}

export interface PreferenceExample {
  kind: 'preference';
  role: Role;
  prompt: TrajectoryMessage[];
  chosen: TrajectoryMessage[];
  rejected: TrajectoryMessage[];
  metadata: Provenance & { pair: { kind: PairKind; rejected: Provenance } };
}

/**
 * versions: an approved and a rejected version of the same work; user_edit: the user's edited file
 * against the agent's; kept_hunks: the file with only the hunks the user kept against the agent's
 * whole change; attempts: the best and the worst of a group of attempts.
 */
export type PairKind = 'versions' | 'user_edit' | 'kept_hunks' | 'attempts';

export interface UnpairedExample {
  kind: 'unpaired';
  role: Role;
  prompt: TrajectoryMessage[];
  completion: TrajectoryMessage[];
  label: boolean;
  /** `hunk`: an example of one hunk the user kept (label true) or dropped (false). */
  metadata: Provenance & { hunk?: { path: string; index: number; decision: HunkDecision } };
}

/** The attempts at one delegation (tandem.attempts): one prompt, a completion and a reward per attempt (GRPO-style). */
export interface GroupExample {
  kind: 'group';
  role: Role;
  prompt: TrajectoryMessage[];
  completions: TrajectoryMessage[][];
  rewards: number[];
  metadata: Provenance & { group: { id: string; attempts: { subtask_id: string; attempt: number; critic_score: number | null; chosen: boolean; label: Label }[] } };
}

export type Example = SftExample | PreferenceExample | UnpairedExample | GroupExample;

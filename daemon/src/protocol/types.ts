// Domain types shared by the daemon, the extension and the webview. Types only: no runtime code
// beyond the few constant lists that describe the domain.

/** The roles one base model plays, each through its own LoRA adapter. The critic judges worker results (off by default). */
export type Role = 'orchestrator' | 'worker' | 'critic';
export const ROLES: readonly Role[] = ['orchestrator', 'worker', 'critic'];

/** Which adapter a generation ran on; version null means the base model with the role's prompt. */
export interface AdapterRef {
  role: Role;
  version: number | null;
  sha256: string | null;
}

export interface AdapterInfo {
  role: Role;
  version: number;
  sha256: string;
  baseModelSha: string;
  path: string;
  addedAt: string;
  active: boolean;
}

export interface ModelInfo {
  name: string;
  path: string;
  sha256: string;
  sizeBytes: number;
  /** True when this is the project's random-weight fixture: its output means nothing. */
  fixture: boolean;
}

export type TaskState =
  | 'queued'
  | 'running'
  | 'review' // a diff waits for the human
  | 'applied' // approved changes reached the user's tree
  | 'rejected' // rejected and not retried
  | 'finished' // ended with no diff to review
  | 'failed'
  | 'cancelled'
  | 'interrupted'; // the daemon died while the task ran

/** Why a task, subtask or step ended. Every stop records one. */
export type StopReason =
  | 'finished'
  | 'accepted'
  | 'gave_up'
  | 'step_budget'
  | 'token_budget'
  | 'doom_loop'
  | 'no_progress'
  | 'context_overflow'
  | 'cancelled'
  | 'interrupted'
  | 'error';

/** Actions are JSON objects produced under a grammar whose `tool` is an enum. */
export type OrchestratorAction =
  | { tool: 'delegate'; args: { instruction: string; files: string[] } }
  | { tool: 'accept'; args: Record<string, never> }
  | { tool: 'revise'; args: { feedback: string } }
  | { tool: 'finish'; args: { summary: string } }
  | { tool: 'give_up'; args: { reason: string } };

export type WorkerAction =
  | { tool: 'list_files'; args: { path: string } }
  | { tool: 'read_file'; args: { path: string; start_line?: number; end_line?: number } }
  | { tool: 'search'; args: { query: string; regex: boolean } }
  | { tool: 'write_file'; args: { path: string; content: string } }
  | { tool: 'edit_file'; args: { path: string; search: string; replace: string } }
  | { tool: 'run'; args: { command: string } }
  | { tool: 'done'; args: { summary: string } };

/** The critic's judgement of one worker result: a score and a pass/fail per criterion, with why. */
export interface CriticVerdict {
  score: 1 | 2 | 3 | 4 | 5;
  does_what_was_asked: boolean;
  /** 'not_run' when no test command was run or allowed. */
  tests_pass: 'pass' | 'fail' | 'not_run';
  no_unrelated_changes: boolean;
  rationale: string;
}

export type CriticAction = { tool: 'verdict'; args: CriticVerdict };

export type AgentAction = OrchestratorAction | WorkerAction | CriticAction;

export interface DiffHunk {
  index: number;
  header: string; // "@@ -a,b +c,d @@ ..."
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
}

export interface DiffFile {
  path: string;
  oldPath?: string;
  status: 'added' | 'modified' | 'deleted' | 'renamed';
  additions: number;
  deletions: number;
  binary: boolean;
  hunks: DiffHunk[];
}

export interface TaskDiff {
  taskId: string;
  round: number;
  baseCommit: string;
  unified: string;
  patchId: string; // `git patch-id --stable`
  files: DiffFile[];
  /** The commit holding the agent's version of every file when this diff was taken (absent in older records). */
  agentCommit?: string;
}

export interface TaskSummary {
  id: string;
  prompt: string;
  repoPath: string;
  state: TaskState;
  round: number;
  stopReason: StopReason | null;
  branch: string | null;
  worktreePath: string | null;
  createdAt: string;
  updatedAt: string;
  /** Why the task failed, while the daemon that ran it knows (it is not in the store: recording it may be what failed). */
  failureReason?: string;
}

export interface ToolCallRecord {
  tool: string;
  args: unknown;
  ok: boolean;
  result: string;
  durationMs: number;
}

export interface StepRecord {
  id: number;
  taskId: string;
  subtaskId: string | null;
  round: number;
  role: Role;
  adapter: AdapterRef;
  promptVersion: string;
  action: AgentAction | null;
  output: string;
  tokensIn: number;
  tokensOut: number;
  tokensReused: number;
  latencyMs: number;
  stopReason: string;
  toolCalls: ToolCallRecord[];
  createdAt: string;
  /** The kind of work (cluster of a clustering, `tandem clusters`) the step was routed to; absent without one. */
  route?: { clustering: number; cluster: number } | null;
}

export interface SubtaskRecord {
  id: string;
  taskId: string;
  round: number;
  instruction: string;
  files: string[];
  outcome: 'accepted' | 'revised' | 'stopped' | null;
  stopReason: StopReason | null;
}

export interface TaskDetail extends TaskSummary {
  subtasks: SubtaskRecord[];
  steps: StepRecord[];
  diff: TaskDiff | null;
}

export type ReviewVerdict = 'approve' | 'reject' | 'approve_with_edits';

export interface FileReview {
  path: string;
  verdict: ReviewVerdict;
  /** Approve only these hunk indexes of the file; absent means the whole file. */
  hunks?: number[];
  /** The user's version of the file, for approve_with_edits. */
  editedContent?: string;
  reason?: string;
}

export interface ApplyResult {
  applied: string[];
  conflicts: { path: string; message: string }[];
  commit: string | null;
}

export type SignalKind = 'merged' | 'reverted' | 'tests_passed' | 'tests_failed';

/** `tandem-steps` is the runtime's own text (what `tandem train --from-export` reads); the others are other frameworks' formats. */
export type ExportFormat = 'openai-sft' | 'trl-sft' | 'sharegpt' | 'trl-dpo' | 'openai-dpo' | 'trl-kto' | 'trl-grpo' | 'tandem-steps';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['openai-sft', 'trl-sft', 'sharegpt', 'trl-dpo', 'openai-dpo', 'trl-kto', 'trl-grpo', 'tandem-steps'];
/** The manifest layout this Tandem writes; a reader refuses a newer one rather than misread it. */
export const EXPORT_MANIFEST_VERSION = 1;

export interface ExportOptions {
  format: ExportFormat;
  role: Role | 'all';
  minSignal?: 'approved' | 'merged';
  since?: string;
  repo?: string;
  split?: number;
  /** Only tasks of this cluster of the newest clustering (`tandem clusters`): one expert's training data. */
  cluster?: number;
  out: string;
}

export interface ExportManifest {
  /** EXPORT_MANIFEST_VERSION of the Tandem that wrote it (absent: written before versions, read as 1). */
  version?: number;
  format: ExportFormat;
  filters: Omit<ExportOptions, 'out'>;
  counts: Record<string, number>; // e.g. "train/worker/approved"
  redactions: number;
  /** Secrets redacted per detection rule, e.g. { "secret-assignment": 3, "url-password": 1, "secretlint-github": 1 }. */
  redactionsByRule: Record<string, number>;
  /** How a group's rewards and a within-group pair's order are computed (trl-grpo and the preference formats). */
  reward?: string;
  files: { path: string; sha256: string; records: number }[];
  createdAt: string;
  /** With `cluster`: the clustering version its tasks were taken from. */
  clustering?: number;
}

/** Progress of long work (download, load, export), streamed to terminals and VS Code. */
export interface ProgressEvent {
  id: string;
  title: string;
  done: number;
  total: number | null;
  unit?: 'bytes' | 'records' | 'steps';
  finished?: boolean;
  /** Training's latest loss (id 'train'), when it reported one. */
  loss?: number;
}

// The narrow interfaces the agent loop talks through. The runtime, the store and the workspace
// implement them for real; unit tests of the loop's logic may plug in small fakes.
import type {
  AdapterRef, AgentAction, Role, StopReason, SubtaskRecord, TaskDiff, TaskState, ToolCallRecord, WorkerAction,
} from '../protocol/types.js';

/** One chat message as the agents see it. Tool results come back as role 'tool'. */
export interface ChatTurn {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
}

/** A JSON schema in the subset node-llama-cpp turns into a grammar (GbnfJsonSchema). */
export type ActionSchema = Record<string, unknown>;

export interface GenerateRequest {
  role: Role;
  messages: ChatTurn[];
  /** The action is generated under this schema's grammar, so it always parses. */
  schema: ActionSchema;
  maxTokens: number;
  temperature?: number;
  seed?: number;
  signal?: AbortSignal;
  onToken?: (text: string) => void;
  /** The task's cluster adapter for this role (see TaskRoute); the role's general adapter when absent. */
  expert?: ExpertAdapter;
}

/** A registered adapter version a step may run on instead of its role's general one. */
export interface ExpertAdapter {
  path: string;
  version: number;
  sha256: string;
}

/** Where a task's steps run: the kind of work (cluster of a clustering) it was routed to, and that cluster's adapters. */
export interface TaskRoute {
  clustering: number;
  cluster: number;
  /** Roles without an entry run on their general adapter. */
  experts: Partial<Record<Role, ExpertAdapter>>;
}

export interface GenerateResult {
  text: string;
  /** The parsed action (JSON), or null when generation stopped before the JSON closed. */
  action: unknown;
  adapter: AdapterRef;
  tokensIn: number;
  tokensOut: number;
  /** Prompt tokens found already evaluated in the role's KV cache and not evaluated again. */
  tokensReused: number;
  latencyMs: number;
  stopReason: 'stop' | 'max_tokens' | 'aborted';
}

export interface ModelPort {
  generate(request: GenerateRequest): Promise<GenerateResult>;
  /** Context size, in tokens, of the role's context. */
  contextSize(role: Role): number;
  countTokens(text: string): number;
  readonly baseModelSha: string;
}

/** Everything the loop records. Each call is committed durably before it returns. */
export interface TrajectoryRecorder {
  /** `agentOptions`: the switches the task starts with, kept so a round after a restart runs with them too. */
  startTask(task: {
    taskId: string; prompt: string; repoPath: string; baseCommit: string; branch: string; promptVersion: string; baseModelSha: string;
    agentOptions?: { critic: boolean; attempts: number };
  }): void;
  startRound(taskId: string, round: number, feedback: string | null): void;
  startSubtask(subtask: SubtaskRecord & { seq: number }): void;
  finishSubtask(subtaskId: string, outcome: NonNullable<SubtaskRecord['outcome']>, stopReason: StopReason | null): void;
  recordStep(step: StepInput): number;
  recordToolCall(stepId: number, call: ToolCallRecord): void;
  recordDiff(diff: TaskDiff, refs: { subtaskId: string | null; stepId: number | null }): number;
  /** One attempt of a group (the attempts at one delegation, each its own subtask), its critic score and whether it was kept. */
  recordAttempt(attempt: AttemptRecord): void;
  setTaskState(taskId: string, state: TaskState, stopReason?: StopReason | null): void;
  /** The cluster a new task was routed to (after startTask); recorders without clusters may ignore it. */
  recordRoute?(taskId: string, route: { clustering: number; cluster: number }): void;
}

export interface AttemptRecord {
  subtaskId: string;
  /** The group: the id the delegation's subtask would have had with one attempt. */
  groupId: string;
  attempt: number;
  criticStepId: number | null;
  score: number | null;
  chosen: boolean;
}

export interface StepInput {
  taskId: string;
  subtaskId: string | null;
  round: number;
  role: Role;
  adapter: AdapterRef;
  promptVersion: string;
  messages: ChatTurn[];
  output: string;
  action: AgentAction | null;
  tokensIn: number;
  tokensOut: number;
  tokensReused: number;
  latencyMs: number;
  stopReason: string;
  /** 'done' normally; 'cancelled' or 'error' when the generation did not complete. */
  state: 'done' | 'cancelled' | 'error';
  /** The cluster the task was routed to; null or absent when no clustering existed. */
  route?: { clustering: number; cluster: number } | null;
}

/** A task's isolated git worktree, as the agents and tools see it. */
export interface TaskWorkspace {
  readonly taskId: string;
  readonly root: string; // absolute path of the worktree
  readonly branch: string;
  readonly baseCommit: string;
  /** The worktree's changes against the base commit, computed by git. */
  diff(round: number): Promise<TaskDiff>;
  /**
   * A scratch copy of this workspace as it is now, for one attempt at a subtask (tandem.attempts).
   * Absent where attempts cannot be isolated: the loop then makes one attempt.
   */
  scratch?(name: string): Promise<ScratchWorkspace>;
}

/** One attempt's own workspace: the chosen attempt's files are adopted into the task's workspace. */
export interface ScratchWorkspace extends TaskWorkspace {
  adopt(): Promise<void>;
  dispose(): Promise<void>;
}

/** Runs one worker tool call inside a task's worktree; refusals (paths outside, unknown commands) are results, not throws. */
export interface ToolExecutor {
  execute(workspace: TaskWorkspace, action: WorkerAction, signal?: AbortSignal): Promise<ToolCallRecord>;
}

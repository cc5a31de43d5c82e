// What the agent scenarios run against: a recorder, a workspace and its tools, plus a probe that reads
// back what was recorded. The unit tests plug in the in-memory fakes; the integration tests plug in the
// real store (SQLite) and the real workspace (git), so the same scenarios prove both.
import type { ChatTurn, TaskWorkspace, ToolExecutor, TrajectoryRecorder } from '../../daemon/src/agents/ports.js';
import type { AgentAction, Role, StopReason, SubtaskRecord, TaskState, ToolCallRecord } from '../../daemon/src/protocol/types.js';

export interface ProbeStep {
  id: number;
  role: Role;
  round: number;
  subtaskId: string | null;
  promptVersion: string;
  messages: ChatTurn[];
  action: AgentAction | null;
  state: 'done' | 'cancelled' | 'error';
  toolCalls: ToolCallRecord[];
}

/** Reads back what a task recorded; for the real store, a few SELECTs over tasks, rounds, subtasks, steps, tool_calls, diffs. */
export interface RecordProbe {
  task(taskId: string): { state: TaskState; stopReason: StopReason | null; promptVersion: string } | null;
  rounds(taskId: string): { round: number; feedback: string | null }[];
  subtasks(taskId: string): Pick<SubtaskRecord, 'id' | 'round' | 'outcome' | 'stopReason'>[];
  /** In the order they were recorded. */
  steps(taskId: string): ProbeStep[];
  diffs(taskId: string): { subtaskId: string | null; stepId: number | null; patchId: string; unified: string }[];
}

export interface AgentHarness {
  recorder: TrajectoryRecorder;
  probe: RecordProbe;
  workspace: TaskWorkspace;
  tools: ToolExecutor;
  repoPath: string;
  /** The content of a file in the user's own tree (never touched by the agents). */
  userFile(path: string): Promise<string | null>;
  cleanup(): Promise<void>;
}

/** Makes a fresh repository holding `files`, a task workspace for `taskId` on it, and a store. */
export type HarnessFactory = (taskId: string, files: Record<string, string>) => Promise<AgentHarness>;

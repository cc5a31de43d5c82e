// Task events the daemon pushes to subscribed clients: deltas, never whole-state snapshots.
import type {
  AdapterRef, ProgressEvent, Role, StepRecord, StopReason, SubtaskRecord, TaskDiff, TaskState, ToolCallRecord,
} from './types.js';

export type TaskEvent =
  | { type: 'task.state'; taskId: string; state: TaskState; stopReason: StopReason | null }
  | { type: 'round.started'; taskId: string; round: number; feedback: string | null }
  | { type: 'subtask.started'; taskId: string; subtask: SubtaskRecord }
  | { type: 'subtask.finished'; taskId: string; subtaskId: string; outcome: SubtaskRecord['outcome']; stopReason: StopReason | null }
  /** stepKey identifies a step while it runs, before the store has given it an id. */
  | { type: 'step.started'; taskId: string; stepKey: string; subtaskId: string | null; role: Role; adapter: AdapterRef }
  | { type: 'step.tokens'; taskId: string; stepKey: string; text: string }
  | { type: 'step.finished'; taskId: string; stepKey: string; step: StepRecord }
  | { type: 'tool.result'; taskId: string; stepKey: string; call: ToolCallRecord }
  | { type: 'diff.ready'; taskId: string; diff: TaskDiff }
  /** Several attempts at one delegation (subtasks `<groupId>-aN`) were scored; `chosen` is the attempt the orchestrator was given. */
  | { type: 'attempts.decided'; taskId: string; groupId: string; chosen: string };

export type { ProgressEvent };

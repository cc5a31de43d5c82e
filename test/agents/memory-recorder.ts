// An in-memory TrajectoryRecorder for the loop's unit tests; it also reads back what it holds.
import type { AttemptRecord, StepInput, TrajectoryRecorder } from '../../daemon/src/agents/ports.js';
import type { StopReason, SubtaskRecord, TaskDiff, TaskState, ToolCallRecord } from '../../daemon/src/protocol/types.js';
import type { ProbeStep, RecordProbe } from './harness.js';

interface TaskRow { taskId: string; state: TaskState; stopReason: StopReason | null; promptVersion: string }

export class MemoryRecorder implements TrajectoryRecorder, RecordProbe {
  private readonly tasks = new Map<string, TaskRow>();
  private readonly roundRows: { taskId: string; round: number; feedback: string | null }[] = [];
  private readonly subtaskRows: (SubtaskRecord & { seq: number })[] = [];
  readonly attemptRows: AttemptRecord[] = [];
  private readonly stepRows: (ProbeStep & { taskId: string })[] = [];
  private readonly diffRows: { taskId: string; subtaskId: string | null; stepId: number | null; patchId: string; unified: string }[] = [];

  startTask(task: Parameters<TrajectoryRecorder['startTask']>[0]): void {
    if (this.tasks.has(task.taskId)) throw new Error(`task ${task.taskId} already recorded`);
    this.tasks.set(task.taskId, { taskId: task.taskId, state: 'queued', stopReason: null, promptVersion: task.promptVersion });
  }

  startRound(taskId: string, round: number, feedback: string | null): void {
    this.requireTask(taskId);
    if (this.roundRows.some((r) => r.taskId === taskId && r.round === round)) throw new Error(`round ${round} already recorded`);
    this.roundRows.push({ taskId, round, feedback });
  }

  startSubtask(subtask: SubtaskRecord & { seq: number }): void {
    this.requireTask(subtask.taskId);
    this.subtaskRows.push({ ...subtask });
  }

  finishSubtask(subtaskId: string, outcome: NonNullable<SubtaskRecord['outcome']>, stopReason: StopReason | null): void {
    const row = this.subtaskRows.find((s) => s.id === subtaskId);
    if (!row) throw new Error(`no subtask ${subtaskId}`);
    if (row.outcome !== null) throw new Error(`subtask ${subtaskId} finished twice`);
    row.outcome = outcome;
    row.stopReason = stopReason;
  }

  recordStep(step: StepInput): number {
    this.requireTask(step.taskId);
    const id = this.stepRows.length + 1;
    this.stepRows.push({
      id, taskId: step.taskId, role: step.role, round: step.round, subtaskId: step.subtaskId, promptVersion: step.promptVersion,
      messages: step.messages.map((m) => ({ ...m })), action: step.action, state: step.state, toolCalls: [],
    });
    return id;
  }

  recordAttempt(attempt: AttemptRecord): void {
    if (!this.subtaskRows.some((s) => s.id === attempt.subtaskId)) throw new Error(`no subtask ${attempt.subtaskId}`);
    this.attemptRows.push({ ...attempt });
  }

  recordToolCall(stepId: number, call: ToolCallRecord): void {
    const step = this.stepRows[stepId - 1];
    if (!step) throw new Error(`no step ${stepId}`);
    step.toolCalls.push({ ...call });
  }

  recordDiff(diff: TaskDiff, refs: { subtaskId: string | null; stepId: number | null }): number {
    this.diffRows.push({ taskId: diff.taskId, ...refs, patchId: diff.patchId, unified: diff.unified });
    return this.diffRows.length;
  }

  setTaskState(taskId: string, state: TaskState, stopReason?: StopReason | null): void {
    const row = this.requireTask(taskId);
    row.state = state;
    row.stopReason = stopReason ?? null;
  }

  task(taskId: string): ReturnType<RecordProbe['task']> {
    const row = this.tasks.get(taskId);
    return row ? { state: row.state, stopReason: row.stopReason, promptVersion: row.promptVersion } : null;
  }

  rounds(taskId: string): { round: number; feedback: string | null }[] {
    return this.roundRows.filter((r) => r.taskId === taskId).map(({ round, feedback }) => ({ round, feedback }));
  }

  subtasks(taskId: string): ReturnType<RecordProbe['subtasks']> {
    return this.subtaskRows.filter((s) => s.taskId === taskId).map(({ id, round, outcome, stopReason }) => ({ id, round, outcome, stopReason }));
  }

  steps(taskId: string): ProbeStep[] {
    return this.stepRows.filter((s) => s.taskId === taskId).map(({ taskId: _task, ...step }) => step);
  }

  diffs(taskId: string): ReturnType<RecordProbe['diffs']> {
    return this.diffRows.filter((d) => d.taskId === taskId).map(({ taskId: _task, ...diff }) => diff);
  }

  private requireTask(taskId: string): TaskRow {
    const row = this.tasks.get(taskId);
    if (!row) throw new Error(`no task ${taskId}`);
    return row;
  }
}

// A task cut off because the daemon is stopping was interrupted, as after a crash, not cancelled by
// its user. Its round sees only an aborted signal and ends 'cancelled'; the final state it records
// and publishes is rewritten here, so the store says 'interrupted' before the daemon is gone.
import type { TrajectoryRecorder } from '../agents/ports.js';
import type { TaskEvent } from '../protocol/events.js';
import type { StopReason, TaskState } from '../protocol/types.js';

/** The abort reason of a task's signal when the daemon stops. */
export const DAEMON_STOPPING = 'the daemon is stopping';

export class TaskInterruption {
  constructor(private readonly signal: AbortSignal) {}

  private get stopping(): boolean {
    return this.signal.aborted && this.signal.reason === DAEMON_STOPPING;
  }

  state(state: TaskState, stopReason: StopReason | null): [TaskState, StopReason | null] {
    return this.stopping && state === 'cancelled' ? ['interrupted', 'interrupted'] : [state, stopReason];
  }

  recorder(recorder: TrajectoryRecorder): TrajectoryRecorder {
    return {
      startTask: (task) => recorder.startTask(task),
      startRound: (taskId, round, feedback) => recorder.startRound(taskId, round, feedback),
      startSubtask: (subtask) => recorder.startSubtask(subtask),
      finishSubtask: (subtaskId, outcome, stopReason) => recorder.finishSubtask(subtaskId, outcome, stopReason),
      recordStep: (step) => recorder.recordStep(step),
      recordToolCall: (stepId, call) => recorder.recordToolCall(stepId, call),
      recordDiff: (diff, refs) => recorder.recordDiff(diff, refs),
      recordAttempt: (attempt) => recorder.recordAttempt(attempt),
      recordRoute: (taskId, route) => recorder.recordRoute?.(taskId, route),
      setTaskState: (taskId, state, stopReason) => recorder.setTaskState(taskId, ...this.state(state, stopReason ?? null)),
    };
  }

  event(event: TaskEvent): TaskEvent {
    if (event.type !== 'task.state') return event;
    const [state, stopReason] = this.state(event.state, event.stopReason);
    return { ...event, state, stopReason };
  }
}

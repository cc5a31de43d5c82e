// Replay of a stored task: its TaskDetail turned back into the events that built it, so a past
// run is audited step by step with the same timeline as a live one.
import type { TaskEvent } from '../../daemon/src/protocol/events.js';
import type { TaskDetail } from '../../daemon/src/protocol/types.js';

export function eventsFromDetail(detail: TaskDetail): TaskEvent[] {
  const taskId = detail.id;
  const events: TaskEvent[] = [];
  const startedSubtasks = new Set<string>();
  let round = 0;
  const steps = [...detail.steps].sort((a, b) => a.id - b.id);
  for (const step of steps) {
    if (step.round !== round) {
      round = step.round;
      events.push({ type: 'round.started', taskId, round, feedback: null });
    }
    if (step.subtaskId && !startedSubtasks.has(step.subtaskId)) {
      const subtask = detail.subtasks.find((s) => s.id === step.subtaskId);
      if (subtask) events.push({ type: 'subtask.started', taskId, subtask: { ...subtask, outcome: null, stopReason: null } });
      startedSubtasks.add(step.subtaskId);
    }
    const stepKey = `stored-${step.id}`;
    events.push({ type: 'step.started', taskId, stepKey, subtaskId: step.subtaskId, role: step.role, adapter: step.adapter });
    for (const call of step.toolCalls) events.push({ type: 'tool.result', taskId, stepKey, call });
    events.push({ type: 'step.finished', taskId, stepKey, step: { ...step, toolCalls: [] } });
    // A subtask ends after its last step: close it once no later step belongs to it.
    const subtask = step.subtaskId ? detail.subtasks.find((s) => s.id === step.subtaskId) : undefined;
    if (subtask?.outcome && !steps.some((s) => s.id > step.id && s.subtaskId === subtask.id)) {
      events.push({ type: 'subtask.finished', taskId, subtaskId: subtask.id, outcome: subtask.outcome, stopReason: subtask.stopReason });
    }
  }
  if (detail.diff) events.push({ type: 'diff.ready', taskId, diff: detail.diff });
  events.push({ type: 'task.state', taskId, state: detail.state, stopReason: detail.stopReason });
  return events;
}

// A task's timeline, built only from TaskEvents (live deltas, or a replay of stored steps).
// Pure: the view renders it; tests feed it events.
import type { TaskEvent } from '../../daemon/src/protocol/events.js';
import type { AdapterRef, AgentAction, Role, StopReason, SubtaskRecord, TaskState, ToolCallRecord } from '../../daemon/src/protocol/types.js';

export interface TimelineStep {
  key: string;
  role: Role;
  adapter: AdapterRef;
  subtaskId: string | null;
  /** Tokens streamed so far; replaced by the final output when the step finishes. */
  text: string;
  action: AgentAction | null;
  toolCalls: ToolCallRecord[];
  stopReason: string | null;
  finished: boolean;
}

/** Top-level entries in order: orchestrator steps, rounds, and subtasks (which hold worker steps). */
export type TimelineEntry =
  | { kind: 'round'; round: number; feedback: string | null }
  | { kind: 'step'; key: string }
  | { kind: 'subtask'; subtask: SubtaskRecord; steps: string[]; stopReason: StopReason | null };

export interface TaskTimeline {
  taskId: string;
  state: TaskState | null;
  stopReason: StopReason | null;
  /** Why the task failed, as the daemon said it (a full disk, say). */
  failureReason: string | null;
  entries: TimelineEntry[];
  steps: Map<string, TimelineStep>;
  diffFiles: string[];
}

export function emptyTimeline(taskId: string): TaskTimeline {
  return { taskId, state: null, stopReason: null, failureReason: null, entries: [], steps: new Map(), diffFiles: [] };
}

/** Applies one event in place and returns what changed, so the view can update only that. */
export function applyEvent(timeline: TaskTimeline, event: TaskEvent): { stepKey?: string; subtaskId?: string; structure?: boolean } {
  switch (event.type) {
    case 'task.state':
      timeline.state = event.state;
      timeline.stopReason = event.stopReason;
      timeline.failureReason = event.reason ?? null;
      return { structure: true };
    case 'round.started':
      timeline.entries.push({ kind: 'round', round: event.round, feedback: event.feedback });
      return { structure: true };
    case 'subtask.started':
      timeline.entries.push({ kind: 'subtask', subtask: event.subtask, steps: [], stopReason: null });
      return { structure: true };
    case 'subtask.finished': {
      const entry = findSubtask(timeline, event.subtaskId);
      if (!entry) return {};
      entry.subtask = { ...entry.subtask, outcome: event.outcome, stopReason: event.stopReason };
      entry.stopReason = event.stopReason;
      return { subtaskId: event.subtaskId };
    }
    case 'step.started': {
      timeline.steps.set(event.stepKey, {
        key: event.stepKey, role: event.role, adapter: event.adapter, subtaskId: event.subtaskId,
        text: '', action: null, toolCalls: [], stopReason: null, finished: false,
      });
      const subtask = event.subtaskId ? findSubtask(timeline, event.subtaskId) : undefined;
      if (subtask) subtask.steps.push(event.stepKey);
      else timeline.entries.push({ kind: 'step', key: event.stepKey });
      return { structure: true };
    }
    case 'step.tokens': {
      const step = timeline.steps.get(event.stepKey);
      if (!step) return {};
      step.text += event.text;
      return { stepKey: event.stepKey };
    }
    case 'step.finished': {
      const step = timeline.steps.get(event.stepKey);
      if (!step) return {};
      step.text = event.step.output;
      step.action = event.step.action;
      step.stopReason = event.step.stopReason;
      step.adapter = event.step.adapter;
      step.finished = true;
      if (event.step.toolCalls.length) step.toolCalls = event.step.toolCalls;
      return { stepKey: event.stepKey };
    }
    case 'tool.result': {
      const step = timeline.steps.get(event.stepKey);
      if (!step) return {};
      step.toolCalls.push(event.call);
      return { stepKey: event.stepKey };
    }
    case 'diff.ready':
      timeline.diffFiles = event.diff.files.map((f) => f.path);
      return { structure: true };
  }
}

function findSubtask(timeline: TaskTimeline, id: string): Extract<TimelineEntry, { kind: 'subtask' }> | undefined {
  return timeline.entries.find((e): e is Extract<TimelineEntry, { kind: 'subtask' }> => e.kind === 'subtask' && e.subtask.id === id);
}

/** A one-line summary of what a step did, for the timeline row. */
export function describeAction(action: AgentAction | null): string {
  if (!action) return 'no action';
  const args = action.args as Record<string, unknown>;
  if (action.tool === 'verdict') return `verdict ${action.args.score}/5: ${action.args.rationale.slice(0, 120)}`;
  const first = ['instruction', 'path', 'query', 'command', 'feedback', 'summary', 'reason'].find((k) => typeof args[k] === 'string');
  return first ? `${action.tool}: ${String(args[first]).slice(0, 120)}` : action.tool;
}

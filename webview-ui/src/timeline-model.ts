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

export interface SubtaskEntry { kind: 'subtask'; subtask: SubtaskRecord; steps: string[]; stopReason: StopReason | null }

/**
 * Several attempts at one delegation (subtasks `<groupId>-aN`), shown as one group. `chosen` is the
 * attempt the orchestrator was given, once the daemon says (attempts.decided).
 */
export interface AttemptGroupEntry { kind: 'attempts'; groupId: string; attempts: SubtaskEntry[]; chosen: string | null }

/** Top-level entries in order: orchestrator steps, rounds, subtasks (which hold worker steps) and attempt groups (which hold subtasks). */
export type TimelineEntry =
  | { kind: 'round'; round: number; feedback: string | null }
  | { kind: 'step'; key: string }
  | SubtaskEntry
  | AttemptGroupEntry;

export interface TaskTimeline {
  taskId: string;
  state: TaskState | null;
  stopReason: StopReason | null;
  entries: TimelineEntry[];
  steps: Map<string, TimelineStep>;
  diffFiles: string[];
}

export function emptyTimeline(taskId: string): TaskTimeline {
  return { taskId, state: null, stopReason: null, entries: [], steps: new Map(), diffFiles: [] };
}

/** Applies one event in place and returns what changed, so the view can update only that. */
export function applyEvent(timeline: TaskTimeline, event: TaskEvent): { stepKey?: string; subtaskId?: string; structure?: boolean } {
  switch (event.type) {
    case 'task.state':
      timeline.state = event.state;
      timeline.stopReason = event.stopReason;
      return { structure: true };
    case 'round.started':
      timeline.entries.push({ kind: 'round', round: event.round, feedback: event.feedback });
      return { structure: true };
    case 'subtask.started': {
      const entry: SubtaskEntry = { kind: 'subtask', subtask: event.subtask, steps: [], stopReason: null };
      const attempt = attemptOf(event.subtask.id);
      const group = attempt && timeline.entries.find((e): e is AttemptGroupEntry => e.kind === 'attempts' && e.groupId === attempt.groupId);
      if (group) group.attempts.push(entry);
      else if (attempt) timeline.entries.push({ kind: 'attempts', groupId: attempt.groupId, attempts: [entry], chosen: null });
      else timeline.entries.push(entry);
      return { structure: true };
    }
    case 'attempts.decided': {
      const group = timeline.entries.find((e): e is AttemptGroupEntry => e.kind === 'attempts' && e.groupId === event.groupId);
      if (!group) return {};
      group.chosen = event.chosen;
      return { structure: true };
    }
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

function findSubtask(timeline: TaskTimeline, id: string): SubtaskEntry | undefined {
  for (const entry of timeline.entries) {
    if (entry.kind === 'subtask' && entry.subtask.id === id) return entry;
    if (entry.kind === 'attempts') {
      const attempt = entry.attempts.find((a) => a.subtask.id === id);
      if (attempt) return attempt;
    }
  }
  return undefined;
}

/** `<group>-a<N>` is attempt N of a delegation (agents/subtask-attempts.ts names them so). */
export function attemptOf(subtaskId: string): { groupId: string; attempt: number } | null {
  const match = /^(.+)-a(\d+)$/.exec(subtaskId);
  return match ? { groupId: match[1]!, attempt: Number(match[2]) } : null;
}

export interface AttemptRow {
  entry: SubtaskEntry;
  attempt: number;
  /** The critic's score of this attempt (its last verdict), null when it gave none. */
  score: number | null;
  chosen: boolean;
}

/**
 * One row per attempt of a group. Which was chosen comes from the daemon's attempts.decided; a replay
 * of a stored task has no such event, and there the chosen attempt is the one the orchestrator went on
 * with (accepted or revised; the others are stopped when the group is decided).
 */
export function attemptRows(timeline: TaskTimeline, group: AttemptGroupEntry): AttemptRow[] {
  const chosen = group.chosen
    ?? group.attempts.find((a) => a.subtask.outcome === 'accepted' || a.subtask.outcome === 'revised')?.subtask.id
    ?? null;
  return group.attempts.map((entry) => {
    const verdicts = entry.steps.map((key) => timeline.steps.get(key)?.action).filter((a) => a?.tool === 'verdict');
    const last = verdicts.at(-1);
    return {
      entry, attempt: attemptOf(entry.subtask.id)?.attempt ?? 0,
      score: last?.tool === 'verdict' ? last.args.score : null,
      chosen: entry.subtask.id === chosen,
    };
  });
}

/** A one-line summary of what a step did, for the timeline row. */
export function describeAction(action: AgentAction | null): string {
  if (!action) return 'no action';
  const args = action.args as Record<string, unknown>;
  if (action.tool === 'verdict') return `verdict ${action.args.score}/5: ${action.args.rationale.slice(0, 120)}`;
  const first = ['instruction', 'path', 'query', 'command', 'feedback', 'summary', 'reason'].find((k) => typeof args[k] === 'string');
  return first ? `${action.tool}: ${String(args[first]).slice(0, 120)}` : action.tool;
}

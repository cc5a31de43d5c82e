// Renders a task's timeline. Structure changes redraw the list; streamed tokens update only the
// text of the one step they belong to.
import type { AttemptGroupEntry, SubtaskEntry, TaskTimeline, TimelineStep } from './timeline-model.js';
import { attemptRows, describeAction } from './timeline-model.js';
import { h } from './dom.js';

export class TimelineView {
  readonly element = h('ol', { class: 'timeline', 'aria-label': 'Task timeline' });
  private readonly stepText = new Map<string, HTMLElement>();

  render(timeline: TaskTimeline): void {
    this.stepText.clear();
    const items = timeline.entries.map((entry) => {
      if (entry.kind === 'round') {
        return h('li', { class: 'round' }, `Round ${entry.round}`, entry.feedback ? h('q', {}, entry.feedback) : null);
      }
      if (entry.kind === 'step') return this.stepItem(timeline.steps.get(entry.key)!);
      if (entry.kind === 'attempts') return this.attemptGroup(timeline, entry);
      return this.subtaskItem(timeline, entry, `Subtask: ${entry.subtask.instruction}`);
    });
    if (timeline.state) {
      items.push(h('li', { class: `task-state state-${timeline.state}` },
        `Task ${timeline.state}${timeline.stopReason ? ` — stop reason: ${timeline.stopReason}` : ''}`,
        timeline.diffFiles.length ? ` · ${timeline.diffFiles.length} file(s) to review` : null));
    }
    this.element.replaceChildren(...items);
  }

  private subtaskItem(timeline: TaskTimeline, entry: SubtaskEntry, title: string, extra: Record<string, string> = {}): HTMLElement {
    const outcome = entry.subtask.outcome ? ` — ${entry.subtask.outcome}${entry.stopReason ? ` (${entry.stopReason})` : ''}` : ' — running';
    return h('li', { class: 'subtask', ...extra },
      h('div', { class: 'subtask-title' }, `${title}${outcome}`),
      h('ol', { class: 'subtask-steps' }, ...entry.steps.map((key) => this.stepItem(timeline.steps.get(key)!))));
  }

  /** The attempts at one delegation as one group: each attempt's critic score, and which one was kept. */
  private attemptGroup(timeline: TaskTimeline, group: AttemptGroupEntry): HTMLElement {
    const rows = attemptRows(timeline, group);
    const instruction = group.attempts[0]?.subtask.instruction ?? '';
    return h('li', { class: 'attempt-group', 'data-group': group.groupId },
      h('div', { class: 'subtask-title' }, `Subtask: ${instruction} — ${rows.length} attempt(s)${rows.some((r) => r.chosen) ? '' : ', choosing…'}`),
      h('ol', { class: 'attempts' }, ...rows.map((row) => this.subtaskItem(timeline, row.entry,
        `Attempt ${row.attempt} · critic ${row.score === null ? 'no score' : `${row.score}/5`}${row.chosen ? ' · chosen' : ''}`,
        { class: `subtask attempt${row.chosen ? ' chosen' : ''}` }))));
  }

  updateStep(step: TimelineStep): boolean {
    const text = this.stepText.get(step.key);
    if (!text || step.finished) return false; // finished steps change shape: the caller redraws
    text.textContent = step.text;
    return true;
  }

  private stepItem(step: TimelineStep): HTMLElement {
    const version = step.adapter.version === null ? 'base' : `v${step.adapter.version}`;
    const text = h('pre', { class: 'step-text' }, step.text);
    this.stepText.set(step.key, text);
    const tools = step.toolCalls.map((call) =>
      h('details', { class: `tool ${call.ok ? 'ok' : 'failed'}` },
        h('summary', {}, `${call.tool} ${call.ok ? '✓' : '✗'} (${Math.round(call.durationMs)} ms)`),
        h('pre', {}, call.result)));
    return h('li', { class: `step role-${step.role}${step.finished ? '' : ' running'}`, 'data-step': step.key },
      h('div', { class: 'step-head' },
        h('span', { class: 'role' }, step.role),
        h('span', { class: 'adapter' }, `adapter ${version}`),
        h('span', { class: 'action' }, step.finished ? describeAction(step.action) : 'generating…'),
        step.stopReason && step.stopReason !== 'stop' ? h('span', { class: 'stop' }, `stop: ${step.stopReason}`) : null),
      step.finished ? h('details', { class: 'output' }, h('summary', {}, 'Output'), text) : text,
      ...tools);
  }
}

// Renders a task's timeline. Structure changes redraw the list; streamed tokens update only the
// text of the one step they belong to.
import type { TaskTimeline, TimelineStep } from './timeline-model.js';
import { describeAction } from './timeline-model.js';
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
      const outcome = entry.subtask.outcome ? ` — ${entry.subtask.outcome}${entry.stopReason ? ` (${entry.stopReason})` : ''}` : ' — running';
      return h('li', { class: 'subtask' },
        h('div', { class: 'subtask-title' }, `Subtask: ${entry.subtask.instruction}${outcome}`),
        h('ol', { class: 'subtask-steps' }, ...entry.steps.map((key) => this.stepItem(timeline.steps.get(key)!))));
    });
    if (timeline.state) {
      items.push(h('li', { class: `task-state state-${timeline.state}` },
        `Task ${timeline.state}${timeline.stopReason ? ` — stop reason: ${timeline.stopReason}` : ''}`,
        timeline.diffFiles.length ? ` · ${timeline.diffFiles.length} file(s) to review` : null,
        // The daemon removes a cancelled task's worktree with whatever the agents wrote there (task-service.ts).
        timeline.state === 'cancelled' ? ' · its worktree and the changes in it were discarded; your files were not touched' : null,
        timeline.failureReason ? h('div', { class: 'failure-reason' }, timeline.failureReason) : null));
    }
    this.element.replaceChildren(...items);
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

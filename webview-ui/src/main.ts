// The Tandem panel: start tasks, watch them live, list past tasks and replay them step by step.
// It receives task events (deltas) from the host and asks the daemon for lists and details.
import type { TaskEvent } from '../../daemon/src/protocol/events.js';
import type { PatternsList } from '../../daemon/src/protocol/failure-patterns.js';
import type { TaskCancel, TaskGet, TaskList, TaskStart } from '../../daemon/src/protocol/messages.js';
import type { TaskSummary } from '../../daemon/src/protocol/types.js';
import { h } from './dom.js';
import { HostBridge } from './host-bridge.js';
import './panel.css';
import { PatternsView } from './patterns-view.js';
import { eventsFromDetail } from './replay.js';
import { TaskForm } from './task-form.js';
import { applyEvent, emptyTimeline, type TaskTimeline } from './timeline-model.js';
import { TimelineView } from './timeline-view.js';

const timelines = new Map<string, TaskTimeline>();
const summaries = new Map<string, TaskSummary>();
let selected: string | null = null;
let replay: { events: TaskEvent[]; position: number } | null = null;

const bridge = new HostBridge((message) => {
  if (message.kind === 'connection') return showConnection(message.state, message.detail);
  if (message.kind === 'folders') return form.setFolders(message.folders);
  onLiveEvent(message.event);
});
const status = h('p', { class: 'connection', role: 'status' });
const form = new TaskForm(async (prompt, repoPath) => {
  try {
    const task = await bridge.request<typeof TaskStart>('tandem/task/start', { prompt, repoPath });
    summaries.set(task.id, task);
    // Every event of a task started here arrives live (the host subscribes to all tasks): no fetch.
    if (!timelines.has(task.id)) timelines.set(task.id, emptyTimeline(task.id));
    void select(task.id, false);
    renderList();
  } catch (error) {
    showError(error);
  }
});
const taskList = h('ul', { class: 'task-list', 'aria-label': 'Tasks' });
const heading = h('h2', { id: 'task-heading' }, 'No task selected');
const controls = h('div', { class: 'controls' });
const view = new TimelineView();
const errorLine = h('p', { class: 'error', role: 'alert' });
const patterns = new PatternsView(() => bridge.request<typeof PatternsList>('tandem/patterns/list', {}), (taskId) => void select(taskId, false));

document.getElementById('app')!.append(
  status, form.element, errorLine,
  h('section', { 'aria-label': 'Tasks' }, h('h2', {}, 'Tasks'), taskList),
  h('section', { 'aria-labelledby': 'task-heading' }, heading, controls, view.element),
  patterns.element,
);
bridge.ready();
void refreshList();

function onLiveEvent(event: TaskEvent): void {
  const timeline = timelines.get(event.taskId) ?? emptyTimeline(event.taskId);
  timelines.set(event.taskId, timeline);
  const change = applyEvent(timeline, event);
  if (event.type === 'task.state') {
    const summary = summaries.get(event.taskId);
    if (summary) summaries.set(event.taskId, { ...summary, state: event.state, stopReason: event.stopReason });
    else void refreshList();
    renderList();
  }
  if (event.taskId !== selected || replay) return;
  const step = change.stepKey ? timeline.steps.get(change.stepKey) : undefined;
  if (step && !change.structure && view.updateStep(step)) return;
  renderSelected();
}

async function refreshList(): Promise<void> {
  try {
    for (const task of await bridge.request<typeof TaskList>('tandem/task/list', { limit: 50 })) summaries.set(task.id, task);
    renderList();
  } catch (error) {
    showError(error);
  }
}

/** Past tasks replay from the store; a running one loads its steps so far, then follows live. */
async function select(taskId: string, asReplay: boolean): Promise<void> {
  selected = taskId;
  replay = null;
  if (asReplay || !timelines.has(taskId)) {
    try {
      const detail = await bridge.request<typeof TaskGet>('tandem/task/get', { taskId });
      const events = eventsFromDetail(detail);
      if (asReplay) replay = { events, position: 0 };
      // Live events that came in while this was fetched built a timeline already: keep that one.
      else if (!timelines.has(taskId)) timelines.set(taskId, events.reduce((t, e) => (applyEvent(t, e), t), emptyTimeline(taskId)));
    } catch (error) {
      showError(error);
    }
  }
  renderSelected();
}

function renderSelected(): void {
  if (!selected) return;
  const summary = summaries.get(selected);
  heading.textContent = summary ? summary.prompt : selected;
  if (replay) {
    const timeline = emptyTimeline(selected);
    replay.events.slice(0, replay.position).forEach((e) => applyEvent(timeline, e));
    view.render(timeline);
  } else {
    view.render(timelines.get(selected) ?? emptyTimeline(selected));
  }
  renderControls(summary);
}

function renderControls(summary: TaskSummary | undefined): void {
  const buttons: HTMLElement[] = [];
  if (summary && (summary.state === 'running' || summary.state === 'queued')) {
    const cancel = h('button', { type: 'button', class: 'cancel' }, 'Cancel task');
    cancel.addEventListener('click', () => void bridge.request<typeof TaskCancel>('tandem/task/cancel', { taskId: summary.id }).catch(showError));
    buttons.push(cancel);
  }
  if (summary?.state === 'review') {
    const review = h('button', { type: 'button' }, 'Review changes');
    review.addEventListener('click', () => bridge.command('tandem.showChanges'));
    buttons.push(review);
  }
  if (replay) {
    const state = replay;
    const step = (delta: number) => { state.position = Math.max(0, Math.min(state.events.length, state.position + delta)); renderSelected(); };
    const previous = h('button', { type: 'button' }, 'Previous step');
    const next = h('button', { type: 'button' }, 'Next step');
    const all = h('button', { type: 'button' }, 'Show all');
    previous.addEventListener('click', () => step(-1));
    next.addEventListener('click', () => step(1));
    all.addEventListener('click', () => step(state.events.length));
    buttons.push(previous, next, all, h('span', { class: 'position' }, `${state.position}/${state.events.length}`));
  }
  controls.replaceChildren(...buttons);
}

function renderList(): void {
  const tasks = [...summaries.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  taskList.replaceChildren(...tasks.map((task) => {
    const live = task.state === 'running' || task.state === 'queued';
    const open = h('button', { type: 'button', class: 'task-open', 'aria-current': task.id === selected ? 'true' : undefined }, task.prompt);
    open.addEventListener('click', () => void select(task.id, false));
    const replayButton = h('button', { type: 'button', class: 'task-replay', title: 'Replay step by step', disabled: live }, 'Replay');
    replayButton.addEventListener('click', () => void select(task.id, true));
    return h('li', { class: `task state-${task.state}` }, open, h('span', { class: 'task-badge' }, task.state), replayButton);
  }));
}

function showConnection(state: string, detail: string): void {
  status.textContent = `Daemon: ${state}${detail ? ` (${detail})` : ''}`;
  if (state === 'connected') void refreshList();
}

function showError(error: unknown): void {
  errorLine.textContent = error instanceof Error ? error.message : String(error);
}

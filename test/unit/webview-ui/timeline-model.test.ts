import { strict as assert } from 'node:assert';
import type { TaskEvent } from '../../../daemon/src/protocol/events.js';
import type { StepRecord, TaskDetail } from '../../../daemon/src/protocol/types.js';
import { eventsFromDetail } from '../../../webview-ui/src/replay.js';
import { applyEvent, describeAction, emptyTimeline } from '../../../webview-ui/src/timeline-model.js';

const orchestrator = { role: 'orchestrator' as const, version: 2, sha256: 'aa' };
const worker = { role: 'worker' as const, version: null, sha256: null };

function step(id: number, role: 'orchestrator' | 'worker', subtaskId: string | null, action: StepRecord['action']): StepRecord {
  return {
    id, taskId: 't', subtaskId, round: 1, role, adapter: role === 'worker' ? worker : orchestrator, promptVersion: 'p1', action,
    output: JSON.stringify(action), tokensIn: 10, tokensOut: 5, tokensReused: 0, latencyMs: 3, stopReason: 'stop',
    toolCalls: role === 'worker' ? [{ tool: 'read_file', args: { path: 'a.js' }, ok: true, result: 'x', durationMs: 1 }] : [], createdAt: '',
  };
}

describe('panel timeline', () => {
  it('streams tokens into a running step, then replaces them with the stored output', () => {
    const timeline = emptyTimeline('t');
    applyEvent(timeline, { type: 'step.started', taskId: 't', stepKey: 'k1', subtaskId: null, role: 'orchestrator', adapter: orchestrator });
    assert.deepEqual(applyEvent(timeline, { type: 'step.tokens', taskId: 't', stepKey: 'k1', text: '{"tool":' }), { stepKey: 'k1' });
    applyEvent(timeline, { type: 'step.tokens', taskId: 't', stepKey: 'k1', text: '"finish"' });
    assert.equal(timeline.steps.get('k1')!.text, '{"tool":"finish"');
    const finished = step(7, 'orchestrator', null, { tool: 'finish', args: { summary: 'done' } });
    applyEvent(timeline, { type: 'step.finished', taskId: 't', stepKey: 'k1', step: finished });
    assert.equal(timeline.steps.get('k1')!.finished, true);
    assert.equal(timeline.steps.get('k1')!.text, finished.output);
  });

  it('nests worker steps under their subtask and records its outcome and stop reason', () => {
    const timeline = emptyTimeline('t');
    const subtask = { id: 's1', taskId: 't', round: 1, instruction: 'edit a.js', files: ['a.js'], outcome: null, stopReason: null };
    const events: TaskEvent[] = [
      { type: 'step.started', taskId: 't', stepKey: 'o1', subtaskId: null, role: 'orchestrator', adapter: orchestrator },
      { type: 'subtask.started', taskId: 't', subtask },
      { type: 'step.started', taskId: 't', stepKey: 'w1', subtaskId: 's1', role: 'worker', adapter: worker },
      { type: 'tool.result', taskId: 't', stepKey: 'w1', call: { tool: 'read_file', args: {}, ok: false, result: 'missing', durationMs: 2 } },
      { type: 'subtask.finished', taskId: 't', subtaskId: 's1', outcome: 'stopped', stopReason: 'step_budget' },
      { type: 'task.state', taskId: 't', state: 'failed', stopReason: 'gave_up' },
    ];
    events.forEach((e) => applyEvent(timeline, e));
    assert.deepEqual(timeline.entries.map((e) => e.kind), ['step', 'subtask']);
    const nested = timeline.entries[1] as Extract<typeof timeline.entries[number], { kind: 'subtask' }>;
    assert.deepEqual(nested.steps, ['w1']);
    assert.equal(nested.stopReason, 'step_budget');
    assert.equal(timeline.steps.get('w1')!.toolCalls[0]!.result, 'missing');
    assert.equal(timeline.state, 'failed');
    assert.equal(timeline.stopReason, 'gave_up');
  });

  it('ignores deltas for steps it never saw instead of throwing', () => {
    const timeline = emptyTimeline('t');
    assert.deepEqual(applyEvent(timeline, { type: 'step.tokens', taskId: 't', stepKey: 'nope', text: 'x' }), {});
  });

  it('summarizes an action by its most telling argument', () => {
    assert.equal(describeAction({ tool: 'delegate', args: { instruction: 'add tests', files: [] } }), 'delegate: add tests');
    assert.equal(describeAction({ tool: 'accept', args: {} }), 'accept');
    assert.equal(describeAction({ tool: 'verdict', args: { score: 2, does_what_was_asked: false, tests_pass: 'not_run', no_unrelated_changes: true, rationale: 'edits the wrong file' } }), 'verdict 2/5: edits the wrong file');
    assert.equal(describeAction(null), 'no action');
  });
});

describe('replay of a stored task', () => {
  const detail: TaskDetail = {
    id: 't', prompt: 'p', repoPath: '/r', state: 'review', round: 1, stopReason: 'finished', branch: 'b', worktreePath: '/w',
    createdAt: '', updatedAt: '',
    subtasks: [{ id: 's1', taskId: 't', round: 1, instruction: 'edit', files: [], outcome: 'accepted', stopReason: 'accepted' }],
    steps: [
      step(3, 'orchestrator', null, { tool: 'finish', args: { summary: 'ok' } }),
      step(1, 'orchestrator', null, { tool: 'delegate', args: { instruction: 'edit', files: [] } }),
      step(2, 'worker', 's1', { tool: 'done', args: { summary: 'edited' } }),
    ],
    diff: null,
  };

  it('rebuilds the same timeline as the live run, in step order', () => {
    const events = eventsFromDetail(detail);
    const timeline = emptyTimeline('t');
    events.forEach((e) => applyEvent(timeline, e));
    assert.deepEqual(timeline.entries.map((e) => (e.kind === 'step' ? e.key : e.kind)), ['round', 'stored-1', 'subtask', 'stored-3']);
    const nested = timeline.entries[2] as Extract<typeof timeline.entries[number], { kind: 'subtask' }>;
    assert.deepEqual(nested.steps, ['stored-2']);
    assert.equal(nested.subtask.outcome, 'accepted');
    assert.equal(timeline.steps.get('stored-2')!.toolCalls.length, 1, 'tool results are not doubled');
    assert.equal(timeline.state, 'review');
  });

  it('can be stepped through: a prefix of the events is a valid earlier timeline', () => {
    const events = eventsFromDetail(detail);
    const timeline = emptyTimeline('t');
    events.slice(0, 3).forEach((e) => applyEvent(timeline, e));
    assert.equal(timeline.steps.get('stored-1')!.finished, true);
    assert.equal(timeline.steps.size, 1);
    assert.equal(timeline.state, null);
  });

  it('keeps why a task failed, as the task.state event says it', () => {
    const timeline = emptyTimeline('t');
    applyEvent(timeline, { type: 'task.state', taskId: 't', state: 'failed', stopReason: 'error', reason: 'The disk is full (database or disk is full): …' });
    assert.deepEqual([timeline.state, timeline.failureReason], ['failed', 'The disk is full (database or disk is full): …']);
    applyEvent(timeline, { type: 'task.state', taskId: 't', state: 'running', stopReason: null });
    assert.equal(timeline.failureReason, null, 'a later state without a reason clears it');
  });
});

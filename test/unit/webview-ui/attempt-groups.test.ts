// Attempts of one delegation (subtasks `<id>-aN`) shown as one group in the panel's timeline, with each
// attempt's critic score and the one that was chosen, live (attempts.decided) and in a replay.
import { strict as assert } from 'node:assert';
import type { TaskEvent } from '../../../daemon/src/protocol/events.js';
import type { CriticVerdict, StepRecord, SubtaskRecord, TaskDetail } from '../../../daemon/src/protocol/types.js';
import { eventsFromDetail } from '../../../webview-ui/src/replay.js';
import { applyEvent, attemptOf, attemptRows, emptyTimeline, type AttemptGroupEntry } from '../../../webview-ui/src/timeline-model.js';

const critic = { role: 'critic' as const, version: null, sha256: null };
const worker = { role: 'worker' as const, version: 1, sha256: 'w' };
const subtask = (id: string, outcome: SubtaskRecord['outcome'] = null): SubtaskRecord =>
  ({ id, taskId: 't', round: 1, instruction: 'fix lineTotal', files: ['src/cart.js'], outcome, stopReason: null });
const verdict = (score: CriticVerdict['score']): CriticVerdict => ({ score, does_what_was_asked: score > 3, tests_pass: 'not_run', no_unrelated_changes: true, rationale: `score ${score}` });

function stored(id: number, subtaskId: string, role: 'worker' | 'critic', score?: CriticVerdict['score']): StepRecord {
  const action = role === 'critic' ? { tool: 'verdict' as const, args: verdict(score!) } : { tool: 'done' as const, args: { summary: 'edited' } };
  return {
    id, taskId: 't', subtaskId, round: 1, role, adapter: role === 'critic' ? critic : worker, promptVersion: 'p', action, output: JSON.stringify(action),
    tokensIn: 1, tokensOut: 1, tokensReused: 0, latencyMs: 1, stopReason: 'stop', toolCalls: [], createdAt: '',
  };
}

/** One attempt as the daemon streams it: its subtask, a worker step and the critic's verdict. */
function attemptEvents(n: number, score: CriticVerdict['score']): TaskEvent[] {
  const id = `s1-a${n}`;
  return [
    { type: 'subtask.started', taskId: 't', subtask: subtask(id) },
    { type: 'step.started', taskId: 't', stepKey: `w${n}`, subtaskId: id, role: 'worker', adapter: worker },
    { type: 'step.finished', taskId: 't', stepKey: `w${n}`, step: stored(n * 10, id, 'worker') },
    { type: 'step.started', taskId: 't', stepKey: `c${n}`, subtaskId: id, role: 'critic', adapter: critic },
    { type: 'step.finished', taskId: 't', stepKey: `c${n}`, step: stored(n * 10 + 1, id, 'critic', score) },
  ];
}

describe('panel timeline: attempt groups', () => {
  it('reads the group and attempt number from an attempt subtask id, and nothing from a plain one', () => {
    assert.deepEqual(attemptOf('t-r1-s2-a3'), { groupId: 't-r1-s2', attempt: 3 });
    assert.equal(attemptOf('t-r1-s2'), null);
  });

  it('shows three attempts as one group with their critic scores, then the chosen one when the daemon says', () => {
    const timeline = emptyTimeline('t');
    [...attemptEvents(1, 2), ...attemptEvents(2, 5), ...attemptEvents(3, 3)].forEach((e) => applyEvent(timeline, e));
    assert.deepEqual(timeline.entries.map((e) => e.kind), ['attempts'], 'one entry, not three subtasks');
    const group = timeline.entries[0] as AttemptGroupEntry;
    assert.equal(group.groupId, 's1');
    assert.deepEqual(attemptRows(timeline, group).map((r) => [r.attempt, r.score, r.chosen]), [[1, 2, false], [2, 5, false], [3, 3, false]]);
    assert.deepEqual(applyEvent(timeline, { type: 'attempts.decided', taskId: 't', groupId: 's1', chosen: 's1-a2' }), { structure: true });
    applyEvent(timeline, { type: 'subtask.finished', taskId: 't', subtaskId: 's1-a1', outcome: 'stopped', stopReason: 'finished' });
    assert.deepEqual(attemptRows(timeline, group).map((r) => r.chosen), [false, true, false]);
    assert.equal(group.attempts[0]!.subtask.outcome, 'stopped', 'a finished event reaches an attempt inside its group');
    assert.deepEqual(group.attempts[1]!.steps, ['w2', 'c2']);
  });

  it('in a replay (no attempts.decided), the chosen attempt is the one the orchestrator accepted', () => {
    const detail: TaskDetail = {
      id: 't', prompt: 'p', repoPath: '/r', state: 'review', round: 1, stopReason: 'finished', branch: 'b', worktreePath: '/w', createdAt: '', updatedAt: '', diff: null,
      subtasks: [subtask('s1-a1', 'stopped'), subtask('s1-a2', 'accepted')],
      steps: [stored(1, 's1-a1', 'worker'), stored(2, 's1-a1', 'critic', 4), stored(3, 's1-a2', 'worker'), stored(4, 's1-a2', 'critic', 5)],
    };
    const timeline = emptyTimeline('t');
    eventsFromDetail(detail).forEach((e) => applyEvent(timeline, e));
    const group = timeline.entries.find((e): e is AttemptGroupEntry => e.kind === 'attempts')!;
    assert.deepEqual(attemptRows(timeline, group).map((r) => [r.attempt, r.score, r.chosen]), [[1, 4, false], [2, 5, true]]);
  });

  it('ignores a decision for a group it never saw', () => {
    assert.deepEqual(applyEvent(emptyTimeline('t'), { type: 'attempts.decided', taskId: 't', groupId: 'nope', chosen: 'nope-a1' }), {});
  });
});

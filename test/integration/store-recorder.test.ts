// The recorder writes what the agents did; the queries give back exactly that, from a real SQLite file.
import assert from 'node:assert/strict';
import type { ChatTurn } from '../../daemon/src/agents/ports.js';
import { openStore } from '../../daemon/src/store/open-store.js';
import { ReviewRecorder } from '../../daemon/src/store/review-recorder.js';
import { getTask, latestDiff, listTasks, stepMessages, taskReviews } from '../../daemon/src/store/task-queries.js';
import { StoreTrajectoryRecorder } from '../../daemon/src/store/trajectory-recorder.js';
import { SYSTEM_PROMPT, sampleDiff, tempStore, workerStep, type TempStore } from './store/sample-trajectory.js';

describe('store: trajectory recorder', () => {
  let t: TempStore;
  beforeEach(() => { t = tempStore(); });
  afterEach(() => t.dispose());

  function recordTask(taskId: string, repoPath: string) {
    const recorder = new StoreTrajectoryRecorder(t.store);
    recorder.startTask({ taskId, prompt: 'Add a greeting', repoPath, baseCommit: 'c'.repeat(40), branch: `tandem/${taskId}`, promptVersion: 'p1', baseModelSha: 'base' });
    recorder.startRound(taskId, 0, null);
    recorder.startSubtask({ id: `${taskId}-s1`, taskId, round: 0, seq: 1, instruction: 'Edit src/app.ts', files: ['src/app.ts'], outcome: null, stopReason: null });
    const first: ChatTurn[] = [{ role: 'system', content: SYSTEM_PROMPT }, { role: 'user', content: 'Edit src/app.ts' }];
    const out1 = '{"tool":"read_file","args":{"path":"src/app.ts"}}';
    const step1 = recorder.recordStep(workerStep(taskId, `${taskId}-s1`, first, out1));
    recorder.recordToolCall(step1, { tool: 'read_file', args: { path: 'src/app.ts' }, ok: true, result: 'old\n', durationMs: 1.5 });
    const second: ChatTurn[] = [...first, { role: 'assistant', content: out1 }, { role: 'tool', content: 'old\n' }];
    const out2 = '{"tool":"done","args":{"summary":"edited"}}';
    const step2 = recorder.recordStep(workerStep(taskId, `${taskId}-s1`, second, out2, null));
    const diffId = recorder.recordDiff(sampleDiff(taskId), { subtaskId: `${taskId}-s1`, stepId: step2 });
    recorder.finishSubtask(`${taskId}-s1`, 'accepted', 'accepted');
    recorder.setTaskState(taskId, 'review');
    return { recorder, first, second, out1, out2, step1, step2, diffId };
  }

  it('gives back exactly what was recorded', () => {
    const r = recordTask('t1', t.dir);
    const reviews = new ReviewRecorder(t.store);
    reviews.recordReview('t1', r.diffId, { path: 'src/app.ts', verdict: 'approve_with_edits', editedContent: 'new!\n', hunks: [0], reason: 'tweak' });
    reviews.recordReview('t1', r.diffId, { path: 'README.md', verdict: 'reject', reason: 'not asked for' });

    const detail = getTask(t.store, 't1');
    assert.ok(detail);
    assert.equal(detail.state, 'review');
    assert.equal(detail.repoPath, t.dir);
    assert.deepEqual(detail.subtasks, [{ id: 't1-s1', taskId: 't1', round: 0, instruction: 'Edit src/app.ts', files: ['src/app.ts'], outcome: 'accepted', stopReason: 'accepted' }]);
    assert.deepEqual(detail.steps.map((s) => [s.id, s.output, s.adapter.version, s.adapter.sha256, s.action]), [
      [r.step1, r.out1, 1, 'sha-w1', JSON.parse(r.out1)],
      [r.step2, r.out2, null, null, JSON.parse(r.out2)],
    ]);
    assert.deepEqual(detail.steps[0]!.toolCalls, [{ tool: 'read_file', args: { path: 'src/app.ts' }, ok: true, result: 'old\n', durationMs: 1.5 }]);
    assert.deepEqual(detail.steps[1]!.toolCalls, []);
    assert.equal(detail.steps[0]!.tokensIn, 102);
    const { id: diffId, ...diff } = latestDiff(t.store, 't1')!;
    assert.equal(diffId, r.diffId);
    assert.deepEqual(diff, sampleDiff('t1'));
    assert.deepEqual(detail.diff, { id: diffId, ...diff });
    assert.deepEqual(stepMessages(t.store, r.step1), r.first);
    assert.deepEqual(stepMessages(t.store, r.step2), r.second);
    assert.deepEqual(taskReviews(t.store, 't1').map(({ id: _id, createdAt: _at, ...rest }) => rest), [
      { diffId: r.diffId, path: 'src/app.ts', verdict: 'approve_with_edits', hunks: [0], reason: 'tweak', editedContent: 'new!\n' },
      { diffId: r.diffId, path: 'README.md', verdict: 'reject', reason: 'not asked for' },
    ]);
  });

  it('stores each message, output and tool result once', () => {
    recordTask('t1', t.dir);
    recordTask('t2', t.dir);
    const count = (content: string) => t.store.db.prepare('SELECT COUNT(*) FROM blobs WHERE content = ?').pluck().get(content);
    assert.equal(count(SYSTEM_PROMPT), 1);
    assert.equal(count('old\n'), 1); // the tool result and its tool turn, shared by both tasks
    // Distinct texts: system, user, 2 outputs (the first also the assistant turn), tool result, diff.
    assert.equal(t.store.db.prepare('SELECT COUNT(*) FROM blobs').pluck().get(), 6);
    assert.equal(t.store.db.prepare('SELECT COUNT(*) FROM steps').pluck().get(), 4);
  });

  it('keeps everything across a reopen and lists tasks newest first, by repo', () => {
    recordTask('t1', t.dir);
    recordTask('t2', `${t.dir}/other`);
    t.store.close();
    const again = openStore(t.dbPath);
    try {
      assert.deepEqual(listTasks(again).map((s) => s.id), ['t2', 't1']);
      assert.deepEqual(listTasks(again, { repoPath: t.dir }).map((s) => s.id), ['t1']);
      assert.deepEqual(listTasks(again, { limit: 1 }).map((s) => s.id), ['t2']);
      assert.equal(getTask(again, 't1')!.steps.length, 2);
      assert.equal(getTask(again, 'missing'), null);
    } finally {
      again.close();
    }
  });

  it('a failed write stores nothing and does not poison the blob cache', () => {
    const r = recordTask('t1', t.dir);
    const fresh: ChatTurn[] = [{ role: 'user', content: 'a turn never seen before' }];
    assert.throws(() => r.recorder.recordStep(workerStep('no-such-task', null, fresh, '{"tool":"done","args":{"summary":"x"}}')), /FOREIGN KEY/);
    assert.equal(t.store.db.prepare('SELECT COUNT(*) FROM blobs WHERE content LIKE ?').pluck().get('%never seen%'), 0);
    const id = r.recorder.recordStep(workerStep('t1', null, fresh, '{"tool":"done","args":{"summary":"x"}}'));
    assert.deepEqual(stepMessages(t.store, id), fresh);
  });

  it('refuses updates of unknown tasks and edited approvals without the edit', () => {
    const r = recordTask('t1', t.dir);
    assert.throws(() => r.recorder.setTaskState('nope', 'failed'), /no task nope/);
    assert.throws(() => new ReviewRecorder(t.store).recordReview('t1', r.diffId, { path: 'a', verdict: 'approve_with_edits' }), /edited content/);
    assert.equal(t.store.db.prepare('SELECT COUNT(*) FROM reviews').pluck().get(), 0);
  });

  it('stamps finish time on final states and keeps the stop reason unless told', () => {
    recordTask('t1', t.dir);
    const recorder = new StoreTrajectoryRecorder(t.store, () => 5000);
    recorder.setTaskState('t1', 'failed', 'error');
    recorder.setTaskState('t1', 'failed');
    const row = t.store.db.prepare('SELECT state, stop_reason, finished_at FROM tasks WHERE id = ?').get('t1');
    assert.deepEqual(row, { state: 'failed', stop_reason: 'error', finished_at: 5000 });
  });
});

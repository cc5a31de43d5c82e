// How a worker version is labelled: by what the human decided about the files its subtask changed in
// the round's reviewed diff, not by its own subtask diff (which nobody reviews).
import assert from 'node:assert/strict';
import type { ChatTurn } from '../../../daemon/src/agents/ports.js';
import type { DiffRow, ReviewRow, StepRow, TaskRow } from '../../../daemon/src/store/export/store-reader.js';
import { TaskOutcome } from '../../../daemon/src/store/export/task-outcome.js';
import { taskUnits } from '../../../daemon/src/store/export/units.js';
import { changedPaths, reviewedWorkOf } from '../../../daemon/src/store/export/worker-review.js';

const TASK: TaskRow = { id: 't', prompt: 'p', base_commit: 'c', base_model_sha: null, created_at: 0, repo_path: '/r', repo_remote: null };

/** A diff whose file entries differ by a marker per path, as a worktree's diff against the round's base does. */
function diff(id: number, subtask: string | null, round: number, files: Record<string, string>, step: number | null = null): DiffRow {
  const entries = Object.entries(files).map(([path, mark]) => ({ path, status: 'modified', additions: 1, deletions: 1, binary: false, hunks: [{ header: mark }] }));
  return { id, subtask_id: subtask, step_id: step, round, files_json: JSON.stringify(entries), diff_hash: `h${id}`, created_at: id };
}
const review = (diffId: number, path: string, verdict: ReviewRow['verdict'], reason: string | null = null): ReviewRow =>
  ({ diff_id: diffId, path, verdict, reason, edited_hash: null, created_at: diffId, hunks: '[]' });

const TURNS: Record<string, ChatTurn> = { sys: { role: 'system', content: 'You are the worker.' }, brief: { role: 'user', content: 'Do it.' } };
/** A worker step of a subtask; each step is given the previous step's turns plus its own output. */
function steps(subtask: string, round: number, ids: number[]): StepRow[] {
  return ids.map((id, i) => ({
    id, subtask_id: subtask, round, role: 'worker', adapter_version: null, adapter_sha: null, prompt_version: 'worker@2',
    messages: ['sys', 'brief', ...ids.slice(0, i).map((s) => `out${s}`)],
    action: i === ids.length - 1 ? { tool: 'done', args: { summary: 'ok' } } : { tool: 'write_file', args: { path: `${subtask}.txt`, content: 'x' } },
    created_at: id,
  }));
}
const turnOf = (ref: string): ChatTurn => TURNS[ref] ?? { role: 'assistant', content: ref };
const units = (stepRows: StepRow[], diffs: DiffRow[], reviews: ReviewRow[]) =>
  taskUnits(TASK, stepRows, new TaskOutcome(diffs, reviews, [], []), { turnOf, blob: () => '' });
const labels = (u: ReturnType<typeof units>) => u.map((x) => [x.provenance.subtask_id, x.provenance.step_ids, x.provenance.label]);

describe('worker versions are judged by the round\'s review of their own files', () => {
  it('changedPaths: a file whose entry changed, a new one and an undone one count; one only carried along does not', () => {
    const before = diff(1, 's1', 0, { 'a.txt': 'a1', 'b.txt': 'b1', 'c.txt': 'c1' });
    const after = diff(2, 's2', 0, { 'a.txt': 'a1', './b.txt': 'b2', 'd.txt': 'd1' });
    assert.deepEqual([...changedPaths(before, after)].sort(), ['b.txt', 'c.txt', 'd.txt']);
    assert.deepEqual([...changedPaths(null, after)].sort(), ['a.txt', 'b.txt', 'd.txt']);
  });

  it('labels each subtask of an approved round approved, and of a rejected round rejected with the reason', () => {
    const stepRows = [...steps('s1', 0, [1, 2]), ...steps('s2', 0, [3, 4])];
    const diffs = [diff(10, 's1', 0, { 'a.txt': 'a' }, 2), diff(11, 's2', 0, { 'a.txt': 'a', 'b.txt': 'b' }, 4), diff(12, null, 0, { 'a.txt': 'a', 'b.txt': 'b' })];
    const approved = units(stepRows, diffs, [review(12, 'a.txt', 'approve'), review(12, 'b.txt', 'approve')]);
    assert.deepEqual(labels(approved), [['s1', [1, 2], 'approved'], ['s2', [3, 4], 'approved']]);
    const rejected = units(stepRows, diffs, [review(12, 'a.txt', 'reject', 'wrong file'), review(12, 'b.txt', 'reject', 'wrong file')]);
    assert.deepEqual(labels(rejected), [['s1', [1, 2], 'rejected'], ['s2', [3, 4], 'rejected']]);
    assert.deepEqual(rejected[0]!.provenance.review?.files, [{ path: 'a.txt', verdict: 'reject', reason: 'wrong file' }], 'only its own file, with the reason');
  });

  it('gives each subtask the verdict on its own files when the human decided them differently', () => {
    const stepRows = [...steps('s1', 0, [1, 2]), ...steps('s2', 0, [3, 4]), ...steps('s3', 0, [5, 6])];
    const diffs = [
      diff(10, 's1', 0, { 'a.txt': 'a' }, 2), diff(11, 's2', 0, { 'a.txt': 'a', 'b.txt': 'b' }, 4),
      diff(12, 's3', 0, { 'a.txt': 'a', 'b.txt': 'b' }, 6), // s3 changed nothing: no file of it reached the human
      diff(13, null, 0, { 'a.txt': 'a', 'b.txt': 'b' }),
    ];
    const u = units(stepRows, diffs, [review(13, 'a.txt', 'approve'), review(13, 'b.txt', 'reject', 'no')]);
    assert.deepEqual(labels(u), [['s1', [1, 2], 'approved'], ['s2', [3, 4], 'rejected'], ['s3', [5, 6], 'unreviewed']]);
  });

  it('leaves a version the orchestrator sent back, and an attempt not chosen, as they were (unreviewed)', () => {
    // s1 worked twice (revised after step 2); s2a and s2b were attempts at one delegation, s2b kept.
    const stepRows = [...steps('s1', 0, [1, 2, 3]), ...steps('s2a', 0, [4, 5]), ...steps('s2b', 0, [6, 7])];
    const diffs = [
      diff(10, 's1', 0, { 'a.txt': 'a1' }, 2), diff(11, 's1', 0, { 'a.txt': 'a2' }, 3),
      { ...diff(12, 's2a', 0, { 'a.txt': 'a2', 'b.txt': 'bA' }, 5), unchosen_attempt: 1 }, diff(13, 's2b', 0, { 'a.txt': 'a2', 'b.txt': 'bB' }, 7),
      diff(14, null, 0, { 'a.txt': 'a2', 'b.txt': 'bB' }),
    ];
    const u = units(stepRows, diffs, [review(14, 'a.txt', 'approve'), review(14, 'b.txt', 'approve')]);
    assert.deepEqual(labels(u), [['s1', [1, 2], 'unreviewed'], ['s1', [3], 'approved'], ['s2a', [4, 5], 'unreviewed'], ['s2b', [6, 7], 'approved']]);
  });

  it('keeps a review of the subtask\'s own diff, and a later round\'s review out of an earlier round', () => {
    const facts = (reviewed: number[]) => ({
      diffs: [diff(10, 's1', 0, { 'a.txt': 'a' }), diff(11, null, 0, { 'a.txt': 'a' }), diff(12, 's2', 1, { 'a.txt': 'a2' }), diff(13, null, 1, { 'a.txt': 'a2' })],
      unchosenAttempts: new Set<string>(), reviewed: (id: number) => reviewed.includes(id),
    });
    assert.deepEqual(reviewedWorkOf('s1', [10], facts([10])), { diffIds: [10], paths: null });
    assert.deepEqual(reviewedWorkOf('s1', [10], facts([])).diffIds, [11]);
    assert.deepEqual(reviewedWorkOf('s2', [12], facts([])).diffIds, [13]);
  });

  it('credits a next round\'s subtask only with what it changed on top of the rejected round\'s work', () => {
    // Round 1 wrote a.txt and was rejected; round 2 starts from that worktree, and its subtask adds b.txt.
    const stepRows = [...steps('s1', 1, [1, 2]), ...steps('s2', 2, [3, 4])];
    const diffs = [
      diff(10, 's1', 1, { 'a.txt': 'a' }, 2), diff(11, null, 1, { 'a.txt': 'a' }),
      diff(12, 's2', 2, { 'a.txt': 'a', 'b.txt': 'b' }, 4), diff(13, null, 2, { 'a.txt': 'a', 'b.txt': 'b' }),
    ];
    const u = units(stepRows, diffs, [review(11, 'a.txt', 'reject', 'not yet'), review(13, 'a.txt', 'reject', 'still not'), review(13, 'b.txt', 'approve')]);
    assert.deepEqual(labels(u), [['s1', [1, 2], 'rejected'], ['s2', [3, 4], 'approved']]);
  });

  it('applies a merged or reverted signal of the round\'s applied change to the worker\'s version', () => {
    const stepRows = steps('s1', 0, [1, 2]);
    const diffs = [diff(10, 's1', 0, { 'a.txt': 'a' }, 2), diff(11, null, 0, { 'a.txt': 'a' })];
    for (const kind of ['merged', 'reverted'] as const) {
      const outcome = new TaskOutcome(diffs, [review(11, 'a.txt', 'approve')], [{ id: 1, diff_id: 11, commit_sha: 'abc' }],
        [{ applied_id: 1, kind, source: 'patch-id', commit_sha: 'def', created_at: 5 }]);
      const [unit] = taskUnits(TASK, stepRows, outcome, { turnOf, blob: () => '' });
      assert.equal(unit!.provenance.label, kind);
      assert.equal(unit!.provenance.repo.applied_commit, 'abc');
    }
  });
});

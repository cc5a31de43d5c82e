// Signals in a real git repo: merge commit, squash, rebase, revert (by message and by inverse diff),
// a trailer-only match, an unmerged branch, and a look-alike older commit that must not count.
import assert from 'node:assert/strict';
import { execFileSync, execSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReviewRecorder } from '../../daemon/src/store/review-recorder.js';
import { scanSignals } from '../../daemon/src/store/signals-scan.js';
import { StoreTrajectoryRecorder } from '../../daemon/src/store/trajectory-recorder.js';
import { tempStore, type TempStore } from './store/sample-trajectory.js';

describe('store: signals scan', function () {
  this.timeout(120000);
  let t: TempStore;
  let repo: string;
  const shas: Record<string, string> = {};

  const git = (...args: string[]) => execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], {
    cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
  }).trim();
  const write = (file: string, text: string) => writeFileSync(join(repo, file), text);
  const commitAll = (message: string) => { git('add', '-A'); git('commit', '-q', '-m', message); return git('rev-parse', 'HEAD'); };

  /** A task whose approved change is `commit` (made on a feature branch), recorded as the daemon would. */
  function recordApproved(taskId: string, commit: string): void {
    const recorder = new StoreTrajectoryRecorder(t.store);
    recorder.startTask({ taskId, prompt: `task ${taskId}`, repoPath: repo, baseCommit: `${commit}~1`, branch: `tandem/${taskId}`, promptVersion: 'p1', baseModelSha: 'base' });
    const unified = git('diff', `${commit}~1`, commit) + '\n';
    const patchId = execSync('git patch-id --stable', { cwd: repo, input: unified, encoding: 'utf8' }).split(' ')[0]!;
    const diffId = recorder.recordDiff({ taskId, round: 0, baseCommit: `${commit}~1`, unified, patchId, files: [] }, { subtaskId: null, stepId: null });
    const reviews = new ReviewRecorder(t.store);
    reviews.recordReview(taskId, diffId, { path: 'x', verdict: 'approve' });
    reviews.recordApplied({ taskId, diffId, patchId, unifiedDiff: unified, commitSha: commit });
    recorder.setTaskState(taskId, 'applied');
  }

  function featureCommit(branch: string, from: string, file: string, text: string): string {
    git('checkout', '-q', '-b', branch, from);
    write(file, text);
    const sha = commitAll(`change ${file}`);
    git('checkout', '-q', 'main');
    return sha;
  }

  before(() => {
    t = tempStore();
    repo = join(t.dir, 'repo');
    mkdirSync(repo);
    git('init', '-q', '-b', 'main');
    for (const f of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) write(`${f}.txt`, `${f} one\n${f} two\n${f} three\n`);
    write('h.txt', 'keep\nline X\nend\n');
    shas.root = commitAll('initial');
    // An old commit that removes what task H later adds back: its inverse looks like a revert of H.
    write('h.txt', 'keep\nend\n');
    shas.oldRemoval = commitAll('drop line X');

    // Merge commit.
    shas.a = featureCommit('feat-a', 'main', 'a.txt', 'a one\na TWO\na three\n');
    git('merge', '-q', '--no-ff', '-m', 'Merge feat-a', 'feat-a');
    shas.mergeA = git('rev-parse', 'HEAD');
    // Squash merge.
    shas.b = featureCommit('feat-b', 'main', 'b.txt', 'b one\nb two\nb three\nb four\n');
    git('merge', '-q', '--squash', 'feat-b');
    shas.squashB = commitAll('Add b four (#2)');
    // Rebase merge: branched from the root, rebased onto main, fast-forwarded.
    shas.c = featureCommit('feat-c', shas.root, 'c.txt', 'c zero\nc one\nc two\nc three\n');
    git('rebase', '-q', 'main', 'feat-c');
    git('checkout', '-q', 'main');
    git('merge', '-q', '--ff-only', 'feat-c');
    shas.rebasedC = git('rev-parse', 'HEAD');
    // Merged, then reverted with git revert.
    shas.d = featureCommit('feat-d', 'main', 'd.txt', 'd one\nd three\n');
    git('merge', '-q', '--no-ff', '-m', 'Merge feat-d', 'feat-d');
    shas.mergeD = git('rev-parse', 'HEAD');
    git('revert', '--no-edit', '-m', '1', shas.mergeD);
    shas.revertD = git('rev-parse', 'HEAD');
    // Squashed, then undone by hand without a revert message.
    shas.e = featureCommit('feat-e', 'main', 'e.txt', 'e one\ne two\ne three\ne extra\n');
    git('merge', '-q', '--squash', 'feat-e');
    shas.squashE = commitAll('Extra e');
    write('e.txt', 'e one\ne two\ne three\n');
    shas.undoE = commitAll('Tidy e again');
    // Landed with different content (the reviewer tweaked it), found only by its trailer.
    shas.f = featureCommit('feat-f', 'main', 'f.txt', 'f one\nf 2\nf three\n');
    write('f.txt', 'f one\nf deux\nf three\n');
    shas.trailerF = commitAll('Tweak f\n\nTandem-Task: task-f');
    // Never merged.
    shas.g = featureCommit('feat-g', 'main', 'g.txt', 'g changed\n');
    // Adds back line X (the inverse of the old removal), squash-merged and never reverted.
    shas.h = featureCommit('feat-h', 'main', 'h.txt', 'keep\nline X\nend\n');
    git('merge', '-q', '--squash', 'feat-h');
    shas.squashH = commitAll('Restore line X');
    assert.equal(readFileSync(join(repo, 'd.txt'), 'utf8'), 'd one\nd two\nd three\n');

    for (const id of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) recordApproved(`task-${id}`, shas[id]!);
  });
  after(() => t.dispose());

  it('records merges by patch-id or trailer and reverts by message or inverse diff, each once', async () => {
    const first = await scanSignals(t.store, { repoPath: repo });
    assert.deepEqual(first, { merged: 7, reverted: 2, skipped: [] });
    const signals = t.store.db.prepare('SELECT task_id, kind, source, commit_sha FROM signals ORDER BY task_id, kind').all();
    assert.deepEqual(signals, [
      { task_id: 'task-a', kind: 'merged', source: 'patch-id', commit_sha: shas.mergeA },
      { task_id: 'task-b', kind: 'merged', source: 'patch-id', commit_sha: shas.squashB },
      { task_id: 'task-c', kind: 'merged', source: 'patch-id', commit_sha: shas.rebasedC },
      { task_id: 'task-d', kind: 'merged', source: 'patch-id', commit_sha: shas.mergeD },
      { task_id: 'task-d', kind: 'reverted', source: 'revert-message', commit_sha: shas.revertD },
      { task_id: 'task-e', kind: 'merged', source: 'patch-id', commit_sha: shas.squashE },
      { task_id: 'task-e', kind: 'reverted', source: 'inverse-patch-id', commit_sha: shas.undoE },
      { task_id: 'task-f', kind: 'merged', source: 'trailer', commit_sha: shas.trailerF },
      { task_id: 'task-h', kind: 'merged', source: 'patch-id', commit_sha: shas.squashH },
    ]);
    const appliedIds = t.store.db.prepare('SELECT COUNT(*) FROM signals s JOIN applied_changes a ON a.id = s.applied_id AND a.task_id = s.task_id').pluck().get();
    assert.equal(appliedIds, 9, 'every signal points at its applied change');

    assert.deepEqual(await scanSignals(t.store, { repoPath: repo }), { merged: 0, reverted: 0, skipped: [] });
    assert.deepEqual(await scanSignals(t.store), { merged: 0, reverted: 0, skipped: [] });
    assert.equal(t.store.db.prepare('SELECT COUNT(*) FROM signals').pluck().get(), 9);
  });

  it('remembers the default branch it found and reports repos it cannot scan', async () => {
    assert.equal(t.store.db.prepare('SELECT default_branch FROM repos WHERE path = ?').pluck().get(repo), 'main');
    const recorder = new StoreTrajectoryRecorder(t.store);
    recorder.startTask({ taskId: 'gone', prompt: 'p', repoPath: join(t.dir, 'deleted-repo'), baseCommit: 'x', branch: 'b', promptVersion: 'p1', baseModelSha: 'base' });
    const diffId = recorder.recordDiff({ taskId: 'gone', round: 0, baseCommit: 'x', unified: 'd', patchId: 'p', files: [] }, { subtaskId: null, stepId: null });
    new ReviewRecorder(t.store).recordApplied({ taskId: 'gone', diffId, patchId: 'p', unifiedDiff: 'd', commitSha: null });
    const result = await scanSignals(t.store);
    assert.deepEqual(result.skipped, [{ repoPath: join(t.dir, 'deleted-repo'), reason: 'the repository folder no longer exists' }]);
  });
});

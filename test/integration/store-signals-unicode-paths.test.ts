// A change to a file with a non-ASCII name: the workspace prints such paths unquoted when it records
// the applied diff's patch-id, so the scan must read the branch the same way to find it merged.
import assert from 'node:assert/strict';
import { execFileSync, execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReviewRecorder } from '../../daemon/src/store/review-recorder.js';
import { scanSignals } from '../../daemon/src/store/signals-scan.js';
import { StoreTrajectoryRecorder } from '../../daemon/src/store/trajectory-recorder.js';
import { tempStore, type TempStore } from './store/sample-trajectory.js';

describe('store: signals scan with non-ASCII paths', function () {
  this.timeout(60000);
  let t: TempStore;
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], {
    cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
  }).trim();

  before(() => {
    t = tempStore();
    repo = join(t.dir, 'repo');
    mkdirSync(repo);
    git('init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'README.md'), 'hello\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'initial');
  });
  after(() => t.dispose());

  it('finds a squashed change to "grüße nächste.txt" merged', async () => {
    const base = git('rev-parse', 'HEAD');
    writeFileSync(join(repo, 'grüße nächste.txt'), 'Hallo\n');
    git('add', '-A');
    // The diff as the workspace prints it (core.quotePath=false), and its patch-id, as approval records them.
    const unified = execFileSync('git', ['-c', 'core.quotePath=false', 'diff', '--cached', base], { cwd: repo, encoding: 'utf8' });
    assert.match(unified, /grüße nächste\.txt/, 'the path is printed unquoted');
    const patchId = execSync('git patch-id --stable', { cwd: repo, input: unified, encoding: 'utf8' }).split(' ')[0]!;
    git('commit', '-q', '-m', 'Greet in German (squashed)');

    const recorder = new StoreTrajectoryRecorder(t.store);
    recorder.startTask({ taskId: 'u1', prompt: 'greet', repoPath: repo, baseCommit: base, branch: 'tandem/u1', promptVersion: 'p1', baseModelSha: 'base' });
    const diffId = recorder.recordDiff({ taskId: 'u1', round: 0, baseCommit: base, unified, patchId, files: [] }, { subtaskId: null, stepId: null });
    const reviews = new ReviewRecorder(t.store);
    reviews.recordReview('u1', diffId, { path: 'grüße nächste.txt', verdict: 'approve' });
    reviews.recordApplied({ taskId: 'u1', diffId, patchId, unifiedDiff: unified, commitSha: null });
    recorder.setTaskState('u1', 'applied');

    const result = await scanSignals(t.store, { repoPath: repo });
    assert.deepEqual(result, { merged: 1, reverted: 0, skipped: [] });
  });
});

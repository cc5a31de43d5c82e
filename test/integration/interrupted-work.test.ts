// After a crash, the worktrees of interrupted tasks (real git, real store): changes go to review with
// their diff recorded, an unchanged worktree is removed, and one that cannot be read is left alone.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recoverInterruptedWork } from '../../daemon/src/services/interrupted-work.js';
import { markInterruptedTasks } from '../../daemon/src/store/interrupted-tasks.js';
import { openStore, type Store } from '../../daemon/src/store/open-store.js';
import { getTask } from '../../daemon/src/store/task-queries.js';
import { StoreTrajectoryRecorder } from '../../daemon/src/store/trajectory-recorder.js';
import { createTaskWorktree } from '../../daemon/src/workspace/task-worktree.js';
import { makeTempRepo, type TempRepo } from './support/temp-repo.js';

describe('interrupted work after a restart', () => {
  let t: TempRepo;
  let store: Store;
  let recorder: StoreTrajectoryRecorder;

  beforeEach(() => {
    t = makeTempRepo({ 'README.md': '# sample\n', 'src/app.ts': 'export const answer = 41;\n' });
    store = openStore(join(t.home, 'tandem.db'));
    recorder = new StoreTrajectoryRecorder(store);
  });
  afterEach(() => {
    store.close();
    t.remove();
  });

  async function runningTask(taskId: string): Promise<string> {
    const worktree = await createTaskWorktree({ repoPath: t.repo, taskId, worktreesDir: t.worktrees });
    recorder.startTask({ taskId, prompt: 'fix it', repoPath: t.repo, baseCommit: worktree.baseCommit, branch: worktree.branch, promptVersion: 'p', baseModelSha: 'm' });
    recorder.startRound(taskId, 0, null);
    return worktree.root;
  }

  it('offers changes for review, removes an unchanged worktree, and leaves a broken one alone', async () => {
    const changed = await runningTask('changed');
    writeFileSync(join(changed, 'src/app.ts'), 'export const answer = 42;\n');
    writeFileSync(join(changed, 'NOTES.md'), 'new file\n');
    const unchanged = await runningTask('unchanged');
    recorder.startTask({ taskId: 'broken', prompt: 'x', repoPath: t.repo, baseCommit: 'c'.repeat(40), branch: 'tandem/broken', promptVersion: 'p', baseModelSha: 'm' });
    mkdirSync(join(t.worktrees, 'broken')); // a folder, but no worktree: its .git link is gone

    assert.deepEqual(markInterruptedTasks(store).sort(), ['broken', 'changed', 'unchanged']);
    const work = await recoverInterruptedWork({ store, recorder, worktreesDir: t.worktrees });

    assert.deepEqual(work.toReview, ['changed']);
    assert.deepEqual(work.removed, ['unchanged']);
    assert.deepEqual(work.failed.map((f) => f.taskId), ['broken']);
    assert.match(work.failed[0]!.message, /no worktree/);

    const review = getTask(store, 'changed')!;
    assert.deepEqual([review.state, review.stopReason], ['review', 'interrupted']);
    assert.deepEqual(review.diff?.files.map((f) => f.path).sort(), ['NOTES.md', 'src/app.ts']);
    assert.ok(existsSync(changed), 'kept for the review');
    assert.equal(existsSync(unchanged), false);
    assert.equal(getTask(store, 'unchanged')!.state, 'interrupted');
    assert.ok(existsSync(join(t.worktrees, 'broken')));
    assert.equal(getTask(store, 'broken')!.state, 'interrupted');
  });

  it('does nothing the second time', async () => {
    const changed = await runningTask('again');
    writeFileSync(join(changed, 'src/app.ts'), 'export const answer = 44;\n');
    markInterruptedTasks(store);
    await recoverInterruptedWork({ store, recorder, worktreesDir: t.worktrees });
    const diffs = () => store.db.prepare('SELECT COUNT(*) FROM diffs').pluck().get();
    const before = diffs();
    assert.deepEqual(markInterruptedTasks(store), []);
    assert.deepEqual(await recoverInterruptedWork({ store, recorder, worktreesDir: t.worktrees }), { toReview: [], removed: [], failed: [] });
    assert.equal(diffs(), before);
  });
});

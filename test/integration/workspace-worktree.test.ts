// Task worktrees on real repositories: isolation from the user's tree, diffs and patch-ids as git
// computes them, reopening, cleanup and orphans.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTaskWorktree, openTaskWorktree } from '../../daemon/src/workspace/task-worktree.js';
import { rejectTaskWorktree } from '../../daemon/src/workspace/reject-round.js';
import { findOrphanWorktrees, removeOrphanWorktrees, removeTaskWorktree } from '../../daemon/src/workspace/worktree-cleanup.js';
import { WorkspaceError } from '../../daemon/src/workspace/workspace-error.js';
import { git, makeTempRepo, numberedLines, writeFiles, type TempRepo } from './support/temp-repo.js';

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('workspace: task worktrees', () => {
  let t: TempRepo;
  beforeEach(() => {
    t = makeTempRepo({ 'src/app.ts': numberedLines(50), 'README.md': 'hello\n', 'old-name.txt': numberedLines(10, 'keep'), 'gone.txt': 'bye\n' });
  });
  afterEach(() => t.remove());

  it('creates branch and worktree from HEAD without touching the user\'s files, index or HEAD', async () => {
    writeFileSync(join(t.repo, 'README.md'), 'user edit\n');
    writeFiles(t.repo, { 'staged.txt': 'staged\n', 'untracked.txt': 'mine\n' });
    git(t.repo, ['add', 'staged.txt']);
    const before = { index: sha(join(t.repo, '.git/index')), head: git(t.repo, ['rev-parse', 'HEAD']), ref: git(t.repo, ['symbolic-ref', 'HEAD']), status: git(t.repo, ['status', '--porcelain']) };

    const task = await createTaskWorktree({ repoPath: t.repo, taskId: 't1', worktreesDir: t.worktrees });
    writeFileSync(join(task.root, 'src/app.ts'), 'agent\n');
    writeFileSync(join(task.root, 'agent-new.ts'), 'new\n');
    await task.diff(0);

    assert.equal(sha(join(t.repo, '.git/index')), before.index);
    assert.equal(git(t.repo, ['rev-parse', 'HEAD']), before.head);
    assert.equal(git(t.repo, ['symbolic-ref', 'HEAD']), before.ref);
    assert.equal(git(t.repo, ['status', '--porcelain']), before.status);
    assert.equal(readFileSync(join(t.repo, 'src/app.ts'), 'utf8'), numberedLines(50));
    assert.ok(!existsSync(join(t.repo, 'agent-new.ts')));

    assert.ok(task.root.startsWith(t.worktrees) && !task.root.startsWith(t.repo + '/'));
    assert.equal(task.branch, 'tandem/t1');
    assert.equal(git(t.repo, ['rev-parse', 'tandem/t1']), before.head);
    assert.equal(task.baseCommit, before.head.trim());
    // Policy: the task starts from HEAD; the user's uncommitted changes are reported, not carried in.
    assert.equal(readFileSync(join(task.root, 'README.md'), 'utf8'), 'hello\n');
    assert.ok(!existsSync(join(task.root, 'untracked.txt')));
    assert.deepEqual([...task.userChangesAtStart].sort(), ['README.md', 'staged.txt', 'untracked.txt']);
    assert.match(task.warning ?? '', /3 uncommitted changes/);
  });

  it('diffs modified, added (untracked), deleted and renamed files, with git\'s own patch-id', async () => {
    const task = await createTaskWorktree({ repoPath: t.repo, taskId: 't2', worktreesDir: t.worktrees });
    const app = numberedLines(50).replace('line 2\n', 'line two\n').replace('line 40\n', 'line forty\nline forty-one and a half\n');
    writeFileSync(join(task.root, 'src/app.ts'), app);
    writeFiles(task.root, { 'src/new-file.ts': 'export const x = 1;\n' });
    rmSync(join(task.root, 'gone.txt'));
    renameSync(join(task.root, 'old-name.txt'), join(task.root, 'new-name.txt'));

    const diff = await task.diff(3);
    assert.equal(diff.round, 3);
    assert.equal(diff.taskId, 't2');
    assert.equal(diff.baseCommit, task.baseCommit);
    const byPath = new Map(diff.files.map((file) => [file.path, file]));
    assert.deepEqual([...byPath.keys()].sort(), ['gone.txt', 'new-name.txt', 'src/app.ts', 'src/new-file.ts']);
    assert.equal(byPath.get('src/new-file.ts')!.status, 'added');
    assert.equal(byPath.get('gone.txt')!.status, 'deleted');
    assert.equal(byPath.get('new-name.txt')!.status, 'renamed');
    assert.equal(byPath.get('new-name.txt')!.oldPath, 'old-name.txt');
    const modified = byPath.get('src/app.ts')!;
    assert.equal(modified.status, 'modified');
    assert.equal(modified.additions, 3);
    assert.equal(modified.deletions, 2);
    assert.deepEqual(modified.hunks.map((h) => [h.index, h.oldStart, h.newStart]), [[0, 1, 1], [1, 37, 37]]);
    assert.match(diff.unified, /^\+export const x = 1;$/m);
    assert.match(diff.unified, /^rename from old-name\.txt$/m);

    // The worktree's own index was not used either.
    assert.equal(git(task.root, ['diff', '--cached', '--name-only']), '');
    // Independently: stage everything in the worktree and ask git for the diff's patch-id.
    git(task.root, ['add', '-A']);
    const independent = git(task.root, ['diff', '--cached', task.baseCommit]);
    assert.equal(diff.unified, independent);
    assert.equal(diff.patchId, git(task.root, ['patch-id', '--stable'], independent).split(' ')[0]);
    assert.match(diff.patchId, /^[0-9a-f]{40}$/);
  });

  it('an untouched worktree has an empty diff', async () => {
    const task = await createTaskWorktree({ repoPath: t.repo, taskId: 't3', worktreesDir: t.worktrees });
    const diff = await task.diff(0);
    assert.equal(diff.unified, '');
    assert.equal(diff.patchId, '');
    assert.deepEqual(diff.files, []);
  });

  // Git trusts a cached stat for files older than the index: an edit of the same size in the second of
  // the checkout is seen only because the diff's scratch index keeps the real index's time.
  it('sees a same-size edit made in the second the worktree was checked out', async () => {
    const second = (ms: number) => Math.floor(ms / 1000);
    for (let attempt = 0; ; attempt++) {
      const task = await createTaskWorktree({ repoPath: t.repo, taskId: `racy-${attempt}`, worktreesDir: t.worktrees });
      const file = join(task.root, 'README.md');
      writeFileSync(file, 'HELLO\n');
      const index = git(task.root, ['rev-parse', '--path-format=absolute', '--git-path', 'index']).trim();
      if (second(statSync(file).ctimeMs) !== second(statSync(index).mtimeMs) && attempt < 5) continue; // crossed a second: again
      const diff = await task.diff(0);
      assert.deepEqual(diff.files.map((f) => f.path), ['README.md']);
      assert.match(diff.unified, /\+HELLO/);
      return;
    }
  });

  it('reopens an existing task\'s worktree with its work intact', async () => {
    const task = await createTaskWorktree({ repoPath: t.repo, taskId: 't4', worktreesDir: t.worktrees });
    writeFileSync(join(task.root, 'README.md'), 'changed\n');
    const again = await openTaskWorktree({ repoPath: t.repo, taskId: 't4', worktreesDir: t.worktrees });
    assert.equal(again.root, task.root);
    assert.equal(again.baseCommit, task.baseCommit);
    assert.equal((await again.diff(1)).patchId, (await task.diff(1)).patchId);
    assert.equal((await again.original('README.md'))?.toString(), 'hello\n');
    assert.equal(await again.original('nope.txt'), null);
    await assert.rejects(openTaskWorktree({ repoPath: t.repo, taskId: 'missing', worktreesDir: t.worktrees }), WorkspaceError);
  });

  it('on rejection keeps the worktree for another round, reverting rejected files, or discards it', async () => {
    const task = await createTaskWorktree({ repoPath: t.repo, taskId: 'rej', worktreesDir: t.worktrees });
    writeFileSync(join(task.root, 'README.md'), 'agent readme\n');
    writeFileSync(join(task.root, 'gone.txt'), 'agent change\n');
    writeFiles(task.root, { 'added.txt': 'new\n' });
    assert.equal(await rejectTaskWorktree(task, { retry: true, worktreesDir: t.worktrees, files: ['gone.txt', 'added.txt', '../outside'] }), 'kept');
    assert.deepEqual((await task.diff(1)).files.map((f) => f.path), ['README.md']);
    assert.equal(await rejectTaskWorktree(task, { retry: false, worktreesDir: t.worktrees }), 'removed');
    assert.ok(!existsSync(task.root));
    assert.equal(git(t.repo, ['branch', '--list', 'tandem/rej']), '');
  });

  it('refuses what cannot work, with a message saying why', async () => {
    const plain = join(t.home, 'plain');
    mkdirSync(plain);
    await assert.rejects(createTaskWorktree({ repoPath: plain, taskId: 'x', worktreesDir: t.worktrees }), /not inside a git repository/);
    git(plain, ['init', '-q']);
    await assert.rejects(createTaskWorktree({ repoPath: plain, taskId: 'x', worktreesDir: t.worktrees }), /no commits yet/);
    await assert.rejects(createTaskWorktree({ repoPath: t.repo, taskId: '../evil', worktreesDir: t.worktrees }), /not usable as a branch name/);
    await assert.rejects(createTaskWorktree({ repoPath: t.repo, taskId: 'x', worktreesDir: join(t.repo, 'inside', 'deeper') }), /inside the repository/);
    assert.ok(!existsSync(join(t.repo, 'inside')), 'nothing was created in the user\'s tree');
    await createTaskWorktree({ repoPath: t.repo, taskId: 'twice', worktreesDir: t.worktrees });
    await assert.rejects(createTaskWorktree({ repoPath: t.repo, taskId: 'twice', worktreesDir: t.worktrees }), /already exists/);
  });

  it('removes a finished task\'s worktree and branch, and finds and removes orphans', async () => {
    const done = await createTaskWorktree({ repoPath: t.repo, taskId: 'done', worktreesDir: t.worktrees });
    await createTaskWorktree({ repoPath: t.repo, taskId: 'live', worktreesDir: t.worktrees });
    await createTaskWorktree({ repoPath: t.repo, taskId: 'crashed', worktreesDir: t.worktrees });
    mkdirSync(join(t.worktrees, 'stray'));

    await removeTaskWorktree({ repoPath: t.repo, taskId: 'done', worktreesDir: t.worktrees });
    assert.ok(!existsSync(done.root));
    assert.equal(git(t.repo, ['branch', '--list', 'tandem/done']), '');
    assert.doesNotMatch(git(t.repo, ['worktree', 'list']), /done/);

    const isLiveTask = (id: string): boolean => id === 'live';
    const orphans = await findOrphanWorktrees({ worktreesDir: t.worktrees, isLiveTask });
    assert.deepEqual(orphans.map((o) => [o.taskId, o.repoPath]), [['crashed', git(t.repo, ['rev-parse', '--show-toplevel']).trim()], ['stray', null]]);
    assert.ok(existsSync(join(t.worktrees, 'crashed')), 'finding orphans removes nothing');

    const removed = await removeOrphanWorktrees({ worktreesDir: t.worktrees, isLiveTask });
    assert.deepEqual(removed.map((o) => o.taskId), ['crashed', 'stray']);
    assert.ok(!existsSync(join(t.worktrees, 'crashed')));
    assert.ok(existsSync(join(t.worktrees, 'live')));
    assert.equal(git(t.repo, ['branch', '--list', 'tandem/crashed']), '');
    assert.match(git(t.repo, ['branch', '--list', 'tandem/live']), /tandem\/live/);
  });
});

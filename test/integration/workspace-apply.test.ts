// Approval on real repositories: whole files, chosen hunks, the user's edited version, three-way
// merges with the user's own edits, conflicts that lose nothing, and the optional commit.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyApproved } from '../../daemon/src/workspace/apply-approved.js';
import { createTaskWorktree, type TaskWorktree } from '../../daemon/src/workspace/task-worktree.js';
import { git, makeTempRepo, numberedLines, writeFiles, type TempRepo } from './support/temp-repo.js';

const read = (root: string, path: string): string => readFileSync(join(root, path), 'utf8');
const BASE = numberedLines(50);
const AGENT = BASE.replace('line 2\n', 'line two\n').replace('line 40\n', 'line forty\n');

describe('workspace: applying approved changes', () => {
  let t: TempRepo;
  let task: TaskWorktree;
  beforeEach(async () => {
    t = makeTempRepo({ 'src/app.ts': BASE, 'notes.md': 'notes\n', 'gone.txt': 'bye\n', 'old-name.txt': numberedLines(10, 'keep') });
    task = await createTaskWorktree({ repoPath: t.repo, taskId: 'task-1', worktreesDir: t.worktrees });
    writeFileSync(join(task.root, 'src/app.ts'), AGENT);
    writeFileSync(join(task.root, 'notes.md'), 'agent notes\n');
    writeFiles(task.root, { 'src/added.ts': 'export {};\n' });
    rmSync(join(task.root, 'gone.txt'));
  });
  afterEach(() => t.remove());

  it('applies exactly the approved file, and reports the patch-id of what it applied', async () => {
    const { result, applied } = await applyApproved(task, [{ path: 'src/app.ts', verdict: 'approve' }, { path: 'notes.md', verdict: 'reject' }]);
    assert.deepEqual(result, { applied: ['src/app.ts'], conflicts: [], commit: null });
    assert.equal(read(t.repo, 'src/app.ts'), AGENT);
    assert.equal(read(t.repo, 'notes.md'), 'notes\n');
    assert.ok(!existsSync(join(t.repo, 'src/added.ts')));
    assert.ok(existsSync(join(t.repo, 'gone.txt')));
    const userDiff = git(t.repo, ['diff']);
    assert.equal(applied.unified, userDiff);
    assert.equal(applied.patchId, git(t.repo, ['patch-id', '--stable'], userDiff).split(' ')[0]);
  });

  it('applies added and deleted files, and a rename', async () => {
    renameSync(join(task.root, 'old-name.txt'), join(task.root, 'new-name.txt'));
    const { result } = await applyApproved(task, ['src/added.ts', 'gone.txt', 'new-name.txt'].map((path) => ({ path, verdict: 'approve' as const })));
    assert.deepEqual(result.conflicts, []);
    assert.equal(read(t.repo, 'src/added.ts'), 'export {};\n');
    assert.ok(!existsSync(join(t.repo, 'gone.txt')));
    assert.ok(!existsSync(join(t.repo, 'old-name.txt')));
    assert.equal(read(t.repo, 'new-name.txt'), numberedLines(10, 'keep'));
  });

  it('applies only the chosen hunks of a file', async () => {
    const { result } = await applyApproved(task, [{ path: 'src/app.ts', verdict: 'approve', hunks: [1] }]);
    assert.deepEqual(result.applied, ['src/app.ts']);
    assert.equal(read(t.repo, 'src/app.ts'), BASE.replace('line 40\n', 'line forty\n'));
    const bad = await applyApproved(task, [{ path: 'src/app.ts', verdict: 'approve', hunks: [7] }]);
    assert.match(bad.result.conflicts[0]!.message, /no hunk 7/);
  });

  it('applies the user\'s edited version for approve_with_edits', async () => {
    const { result } = await applyApproved(task, [{ path: 'notes.md', verdict: 'approve_with_edits', editedContent: 'my better notes\n' }]);
    assert.deepEqual(result.applied, ['notes.md']);
    assert.equal(read(t.repo, 'notes.md'), 'my better notes\n');
  });

  it('merges a user edit that does not overlap the agent\'s', async () => {
    writeFileSync(join(t.repo, 'src/app.ts'), BASE.replace('line 20\n', 'user line 20\n'));
    const { result, applied } = await applyApproved(task, [{ path: 'src/app.ts', verdict: 'approve' }]);
    assert.deepEqual(result.conflicts, []);
    assert.equal(read(t.repo, 'src/app.ts'), AGENT.replace('line 20\n', 'user line 20\n'));
    // What was applied is the agent's change on top of the user's edit, not the user's edit itself.
    assert.doesNotMatch(applied.unified, /^\+user line 20$/m);
    assert.match(applied.unified, /^\+line two$/m);
  });

  it('approve with a conflicting user edit: the conflict is reported and nothing is lost', async () => {
    const userVersion = BASE.replace('line 2\n', 'the user\'s line 2\n');
    writeFileSync(join(t.repo, 'src/app.ts'), userVersion);
    const indexBefore = readFileSync(join(t.repo, '.git/index'));
    const { result } = await applyApproved(task, [{ path: 'src/app.ts', verdict: 'approve' }, { path: 'notes.md', verdict: 'approve' }]);

    assert.deepEqual(result.conflicts.map((c) => c.path), ['src/app.ts']);
    assert.match(result.conflicts[0]!.message, /you changed this file since the task started/);
    assert.deepEqual(result.applied, ['notes.md']);
    assert.equal(read(t.repo, 'src/app.ts'), userVersion, 'the user\'s file is left exactly as it was');
    assert.equal(read(task.root, 'src/app.ts'), AGENT, 'the agent\'s version is still in the worktree');
    assert.ok((await task.diff(0)).files.some((file) => file.path === 'src/app.ts'), 'and still in the task\'s diff');
    assert.deepEqual(readFileSync(join(t.repo, '.git/index')), indexBefore);
    assert.equal(read(t.repo, 'notes.md'), 'agent notes\n');
  });

  it('reports a user\'s deletion against an agent\'s change as a conflict', async () => {
    rmSync(join(t.repo, 'notes.md'));
    const { result } = await applyApproved(task, [{ path: 'notes.md', verdict: 'approve' }]);
    assert.match(result.conflicts[0]!.message, /you deleted this file/);
    assert.ok(!existsSync(join(t.repo, 'notes.md')));
  });

  it('commits only the approved paths, with a Tandem-Task trailer', async () => {
    writeFiles(t.repo, { 'staged-by-user.txt': 'wip\n' });
    git(t.repo, ['add', 'staged-by-user.txt']);
    const { result, applied } = await applyApproved(task, [{ path: 'src/app.ts', verdict: 'approve' }, { path: 'src/added.ts', verdict: 'approve' }], { commit: true });
    assert.ok(result.commit);
    assert.equal(git(t.repo, ['rev-parse', 'HEAD']).trim(), result.commit);
    assert.equal(git(t.repo, ['log', '-1', '--format=%(trailers:key=Tandem-Task,valueonly)']).trim(), 'task-1');
    assert.deepEqual(git(t.repo, ['show', '--name-only', '--format=', 'HEAD']).trim().split('\n').sort(), ['src/added.ts', 'src/app.ts']);
    assert.match(git(t.repo, ['diff', '--cached', '--name-only']), /staged-by-user\.txt/, 'the user\'s staged file stays staged');
    assert.equal(git(t.repo, ['patch-id', '--stable'], git(t.repo, ['show', 'HEAD'])).split(' ')[0], applied.patchId);
  });

  it('commits a path that looks like a pathspec (a glob, magic) as that one file', async () => {
    // The random-weight model names files like these; as pathspecs they would match the user's other files.
    writeFiles(task.root, { '*.md': 'a star\n', ':(top)odd': 'magic\n' });
    writeFiles(t.repo, { 'mine.md': 'the user\'s own, uncommitted\n' });
    git(t.repo, ['add', 'mine.md']);
    const { result } = await applyApproved(task, [{ path: '*.md', verdict: 'approve' }, { path: ':(top)odd', verdict: 'approve' }], { commit: true });
    assert.deepEqual([result.applied, result.conflicts], [['*.md', ':(top)odd'], []]);
    assert.deepEqual(git(t.repo, ['show', '--name-only', '--format=', 'HEAD']).trim().split('\n').sort(), ['*.md', ':(top)odd']);
    assert.match(git(t.repo, ['diff', '--cached', '--name-only']), /mine\.md/, 'the user\'s staged file is not committed');
  });

  it('applies the user\'s edit of the agent\'s side made after review, and says it was edited', async () => {
    const reviewed = await task.diff(0);
    assert.ok(reviewed.agentCommit, 'the round froze the agent\'s version');
    writeFileSync(join(task.root, 'notes.md'), 'agent notes, tidied by me\n');
    const { result, reviews } = await applyApproved(task, [{ path: 'notes.md', verdict: 'approve' }], { agentCommit: reviewed.agentCommit });
    assert.deepEqual(result, { applied: ['notes.md'], conflicts: [], commit: null });
    assert.equal(read(t.repo, 'notes.md'), 'agent notes, tidied by me\n');
    assert.deepEqual(reviews, [{
      review: { path: 'notes.md', verdict: 'approve_with_edits', editedContent: 'agent notes, tidied by me\n' }, hunks: ['edited'],
    }]);
  });

  it('reads a reverted hunk in the worktree as that hunk dropped, the other kept', async () => {
    const reviewed = await task.diff(0);
    writeFileSync(join(task.root, 'src/app.ts'), BASE.replace('line 40\n', 'line forty\n')); // hunk 0 reverted
    const { result, reviews } = await applyApproved(task, [{ path: 'src/app.ts', verdict: 'approve' }], { agentCommit: reviewed.agentCommit! });
    assert.deepEqual(result.conflicts, []);
    assert.equal(read(t.repo, 'src/app.ts'), BASE.replace('line 40\n', 'line forty\n'));
    assert.deepEqual(reviews, [{
      review: { path: 'src/app.ts', verdict: 'approve_with_edits', editedContent: BASE.replace('line 40\n', 'line forty\n'), hunks: [1] },
      hunks: ['dropped', 'kept'],
    }]);
  });

  it('applies the frozen agent version when the worktree was not edited, and refuses hunks chosen on an edited file', async () => {
    const reviewed = await task.diff(0);
    const untouched = await applyApproved(task, [{ path: 'src/app.ts', verdict: 'approve', hunks: [0] }], { agentCommit: reviewed.agentCommit! });
    assert.deepEqual(untouched.reviews, [{ review: { path: 'src/app.ts', verdict: 'approve', hunks: [0] }, hunks: ['kept', 'dropped'] }]);
    assert.equal(read(t.repo, 'src/app.ts'), BASE.replace('line 2\n', 'line two\n'));
    writeFileSync(join(task.root, 'notes.md'), 'edited\n');
    const both = await applyApproved(task, [{ path: 'notes.md', verdict: 'approve', hunks: [0] }], { agentCommit: reviewed.agentCommit! });
    assert.deepEqual(both.result.applied, []);
    assert.match(both.result.conflicts[0]!.message, /edited in the worktree and hunks were chosen too/);
    assert.equal(read(t.repo, 'notes.md'), 'notes\n', 'the user\'s file is left as it was');
  });

  it('reports a file that is not in the diff', async () => {
    const { result } = await applyApproved(task, [{ path: 'README.none', verdict: 'approve' }]);
    assert.deepEqual(result, { applied: [], conflicts: [{ path: 'README.none', message: 'this file is not in the task\'s diff' }], commit: null });
  });
});

// The agent's hunks of a file under review against the worktree's copy: where each stands, dropping
// one (the base's lines back), and the frozen agent version surviving until the task is removed.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentFileAt, agentVersionRef } from '../../daemon/src/workspace/agent-version.js';
import { committedChanges } from '../../daemon/src/workspace/task-diff.js';
import { createTaskWorktree, type TaskWorktree } from '../../daemon/src/workspace/task-worktree.js';
import { removeTaskWorktree } from '../../daemon/src/workspace/worktree-cleanup.js';
import { dropHunk, worktreeHunks, type FileUnderReview } from '../../daemon/src/workspace/worktree-hunks.js';
import { git, makeTempRepo, numberedLines, type TempRepo } from './support/temp-repo.js';

const BASE = numberedLines(50);
const AGENT = BASE.replace('line 2\n', 'line two\n').replace('line 40\n', 'line forty\nline forty-one and a half\n');

describe('workspace: the agent\'s hunks in the worktree', () => {
  let t: TempRepo;
  let task: TaskWorktree;
  let file: FileUnderReview;
  beforeEach(async () => {
    t = makeTempRepo({ 'app.txt': BASE });
    task = await createTaskWorktree({ repoPath: t.repo, taskId: 'task-h', worktreesDir: t.worktrees });
    writeFileSync(join(task.root, 'app.txt'), AGENT);
    const diff = await task.diff(1);
    const changes = await committedChanges(task.root, task.baseCommit, diff.agentCommit!);
    file = { root: task.root, path: 'app.txt', base: Buffer.from(BASE), agentHunks: changes.sections[0]!.hunks };
  });
  afterEach(() => t.remove());

  it('says each hunk is kept, and where it starts; dropping the first puts the base back there and moves nothing else', async () => {
    assert.deepEqual(await worktreeHunks(file), [{ index: 0, decision: 'kept', line: 1 }, { index: 1, decision: 'kept', line: 37 }]);
    const after = await dropHunk(file, 0);
    assert.deepEqual(after, [{ index: 0, decision: 'dropped', line: 1 }, { index: 1, decision: 'kept', line: 37 }]);
    assert.equal(readFileSync(join(task.root, 'app.txt'), 'utf8'), BASE.replace('line 40\n', 'line forty\nline forty-one and a half\n'));
  });

  it('refuses to drop a hunk that is no longer as the agent wrote it, and leaves the file alone', async () => {
    const mine = AGENT.replace('line two\n', 'line 2, my way\n');
    writeFileSync(join(task.root, 'app.txt'), mine);
    assert.equal((await worktreeHunks(file))[0]!.decision, 'edited');
    assert.match(JSON.stringify(await dropHunk(file, 0)), /no longer as the agent wrote it/);
    assert.equal(readFileSync(join(task.root, 'app.txt'), 'utf8'), mine);
  });

  it('keeps the agent\'s frozen version on its own ref, whatever the worktree holds, until the task is removed', async () => {
    const ref = agentVersionRef('task-h', 1);
    const commit = git(t.repo, ['rev-parse', ref]).trim();
    writeFileSync(join(task.root, 'app.txt'), 'changed after the round\n');
    assert.equal((await agentFileAt(task.root, commit, 'app.txt')).content?.toString('utf8'), AGENT);
    assert.equal(git(t.repo, ['branch', '--list']).includes('tandem/'), true, 'the task branch is there');
    await removeTaskWorktree({ repoPath: t.repo, taskId: 'task-h', worktreesDir: t.worktrees });
    assert.equal(git(t.repo, ['for-each-ref', 'refs/tandem/']).trim(), '', 'the frozen versions go with the task');
  });
});

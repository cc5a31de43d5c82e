// Needs the real daemon with the fixture model: the runner starts it (see test/e2e/run-vscode-tests.ts).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TaskEvent } from '../../../daemon/src/protocol/events.js';
import { StatsGet, TaskGet } from '../../../daemon/src/protocol/messages.js';
import type { ApplyResult, TaskSummary } from '../../../daemon/src/protocol/types.js';
import { connected, settled, tandem, taskInReview, workspaceFolder } from './tandem-api.js';

describe('@daemon a task from a command to the user\'s files', function () {
  this.timeout(10 * 60_000); // bounds the attempts too: 150 take ~3 minutes

  it('starts a task from the command, reaches review, and approving writes the agent\'s version into the workspace', async () => {
    const api = await tandem();
    await connected(api);
    const repoPath = workspaceFolder();
    const { task, detail } = await taskInReview(api, repoPath);
    const files = detail.diff!.files;

    // The Changes view lists it once the extension has seen the diff.
    while (!api.ctx.reviews.get(task.id)) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(detail.worktreePath, 'a task in review has its worktree');
    const agentVersions = new Map(files.filter((f) => f.status !== 'deleted')
      .map((f) => [f.path, readFileSync(join(detail.worktreePath!, f.path), 'utf8')]));

    const result = await vscode.commands.executeCommand<ApplyResult>('tandem.approveAll', { taskId: task.id });
    assert.deepEqual(result.conflicts, []);
    assert.deepEqual([...result.applied].sort(), files.map((f) => f.path).sort());
    for (const [path, content] of agentVersions) {
      assert.equal(readFileSync(join(repoPath, path), 'utf8'), content, `${path} in the workspace is the agent's version`);
    }
    const after = await api.ctx.client().request(TaskGet, { taskId: task.id });
    assert.equal(after.state, 'applied');

    // The user commits the approved change on the default branch: the scan records it as merged, once.
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repoPath, stdio: 'pipe' });
    git('add', '-A');
    git('commit', '-q', '-m', 'Take the agent\'s change');
    assert.deepEqual(await vscode.commands.executeCommand('tandem.scanMergedChanges'), { merged: 1, reverted: 0 });
    assert.deepEqual(await vscode.commands.executeCommand('tandem.scanMergedChanges'), { merged: 0, reverted: 0 });
  });

  it('rejecting records the reason and sends it back to the agents as a new round', async () => {
    const api = await tandem();
    await connected(api);
    const repoPath = workspaceFolder();
    const { task, detail } = await taskInReview(api, repoPath);

    const reason = `farewell() must be exported and documented in README.md (${task.id})`;
    const nextRound = new Promise<TaskEvent>((resolve) => {
      const d = api.ctx.onTaskEvent((e) => { if (e.type === 'round.started' && e.taskId === task.id) { d.dispose(); resolve(e); } });
    });
    const after = await vscode.commands.executeCommand<TaskSummary>('tandem.reject', { taskId: task.id, reason, retry: true });
    assert.equal(after.id, task.id);
    const started = await nextRound;
    assert.deepEqual(started.type === 'round.started' && { ...started, agentOptions: undefined },
      { type: 'round.started', taskId: task.id, round: detail.round + 1, feedback: reason, agentOptions: undefined });
    assert.ok(started.type === 'round.started' && started.agentOptions, 'the round says which critic/attempts switches it runs with');

    const stats = await api.ctx.client().request(StatsGet);
    assert.ok(stats.overall.topRejectionReasons.some((r) => r.reason === reason), 'the store records the rejection with its reason');
    assert.equal(api.ctx.reviews.get(task.id), undefined, 'the rejected round left the Changes view');
    await vscode.commands.executeCommand('tandem.cancelTask', { taskId: task.id });
    const final = await settled(api, task.id);
    assert.equal(final.round, detail.round + 1, 'the task went on to the next round');
  });
});

// Needs the real daemon with the fixture model: the runner starts it (see test/e2e/run-vscode-tests.ts),
// with actions scripted for these tasks' prompts (test/e2e/harness/scripted-tasks.ts).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TaskEvent } from '../../../daemon/src/protocol/events.js';
import { StatsGet, TaskGet } from '../../../daemon/src/protocol/messages.js';
import type { ApplyResult, TaskSummary } from '../../../daemon/src/protocol/types.js';
import { ADD_FAREWELL, DOCUMENT_FAREWELL, GREET_HI } from '../../e2e/harness/scripted-tasks.js';
import { connected, settled, tandem, taskInReview, workspaceFolder } from './tandem-api.js';

describe('@daemon a task from a command to the user\'s files', function () {
  this.timeout(5 * 60_000);

  it('starts a task from the command, reaches review, and approving writes the agent\'s version into the workspace', async () => {
    const api = await tandem();
    await connected(api);
    const repoPath = workspaceFolder();
    const { task, detail } = await taskInReview(api, repoPath, GREET_HI);

    // The Changes view lists it once the extension has seen the diff.
    while (!api.ctx.reviews.get(task.id)) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(detail.worktreePath, 'a task in review has its worktree');
    assert.equal(readFileSync(join(detail.worktreePath!, GREET_HI.path), 'utf8'), GREET_HI.content, 'the worktree holds what the worker wrote');
    assert.match(detail.diff!.unified, /^-  return "Hello " \+ name;$/m);
    assert.match(detail.diff!.unified, /^\+  return "Hi " \+ name;$/m);

    const result = await vscode.commands.executeCommand<ApplyResult>('tandem.approveAll', { taskId: task.id });
    assert.deepEqual(result.conflicts, []);
    assert.deepEqual(result.applied, [GREET_HI.path]);
    assert.equal(readFileSync(join(repoPath, GREET_HI.path), 'utf8'), GREET_HI.content, 'the workspace has the agent\'s version');
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
    const { task, detail } = await taskInReview(api, repoPath, ADD_FAREWELL);

    const reason = `${DOCUMENT_FAREWELL.reason} (${task.id})`;
    const nextRound = new Promise<TaskEvent>((resolve) => {
      const d = api.ctx.onTaskEvent((e) => { if (e.type === 'round.started' && e.taskId === task.id) { d.dispose(); resolve(e); } });
    });
    // Checked as the new round starts running, before its agents can end it: the Changes view drops the
    // task on that state change and lists it again only when the round ends in review.
    const leftChangesView = new Promise<boolean>((resolve) => {
      const d = api.ctx.onTaskEvent((e) => {
        if (e.type === 'task.state' && e.taskId === task.id && e.state === 'running') { d.dispose(); queueMicrotask(() => resolve(api.ctx.reviews.get(task.id) === undefined)); }
      });
    });
    const after = await vscode.commands.executeCommand<TaskSummary>('tandem.reject', { taskId: task.id, reason, retry: true });
    assert.equal(after.id, task.id);
    const started = await nextRound;
    assert.deepEqual(started.type === 'round.started' && { ...started, agentOptions: undefined },
      { type: 'round.started', taskId: task.id, round: detail.round + 1, feedback: reason, agentOptions: undefined });
    assert.ok(started.type === 'round.started' && started.agentOptions, 'the round says which critic/attempts switches it runs with');
    assert.ok(await leftChangesView, 'the rejected round left the Changes view');

    const stats = await api.ctx.client().request(StatsGet);
    assert.ok(stats.overall.topRejectionReasons.some((r) => r.reason === reason), 'the store records the rejection with its reason');
    // The script documents farewell() only where the reason is in the orchestrator's opening message;
    // the rejected change stays in the worktree, so the round ends in review with both.
    const final = await settled(api, task.id);
    assert.deepEqual([final.round, final.state, final.stopReason], [detail.round + 1, 'review', 'finished']);
    assert.deepEqual(final.diff!.files.map((f) => f.path).sort(), [DOCUMENT_FAREWELL.path, ADD_FAREWELL.path].sort(), 'the next round acted on the reason');
    assert.equal(readFileSync(join(final.worktreePath!, DOCUMENT_FAREWELL.path), 'utf8'), DOCUMENT_FAREWELL.content);
    await vscode.commands.executeCommand('tandem.cancelTask', { taskId: task.id });
    assert.equal((await settled(api, task.id)).state, 'cancelled');
  });
});

// Needs the real daemon with the fixture model: the runner starts it (see test/e2e/run-vscode-tests.ts).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TaskEvent } from '../../../daemon/src/protocol/events.js';
import type { ApplyResult, TaskSummary } from '../../../daemon/src/protocol/types.js';
import { connected, settled, tandem, workspaceFolder } from './tandem-api.js';

describe('@daemon a task from a command to the user\'s files', () => {
  it('starts a task from the command, reaches review, and approving writes the files into the workspace', async () => {
    const api = await tandem();
    await connected(api);
    const repoPath = workspaceFolder();
    const task = await vscode.commands.executeCommand<TaskSummary>('tandem.startTask', { repoPath, prompt: 'Make greet() say "Hi" instead of "Hello".' });
    assert.ok(task?.id, 'the command returns the started task');
    const detail = await settled(api, task.id);
    assert.equal(detail.state, 'review', `the task should wait for review, but it ended ${detail.state} (${detail.stopReason})`);
    assert.ok(detail.diff && detail.diff.files.length > 0, 'a task in review has a diff');

    // The Changes view lists it once the extension has seen the diff.
    while (!api.ctx.reviews.get(task.id)) await new Promise((resolve) => setTimeout(resolve, 200));
    const agentVersions = new Map(detail.diff.files.filter((f) => f.status !== 'deleted')
      .map((f) => [f.path, readFileSync(join(detail.worktreePath!, f.path), 'utf8')]));

    const result = await vscode.commands.executeCommand<ApplyResult>('tandem.approveAll', { taskId: task.id });
    assert.deepEqual(result.conflicts, []);
    assert.deepEqual([...result.applied].sort(), detail.diff.files.map((f) => f.path).sort());
    for (const [path, content] of agentVersions) {
      assert.equal(readFileSync(join(repoPath, path), 'utf8'), content, `${path} in the workspace is the agent's version`);
    }
  });

  it('rejecting with a reason sends it back to the agents as a new round', async () => {
    const api = await tandem();
    await connected(api);
    const repoPath = workspaceFolder();
    const task = await vscode.commands.executeCommand<TaskSummary>('tandem.startTask', { repoPath, prompt: 'Add a farewell() function next to greet().' });
    const detail = await settled(api, task.id);
    assert.equal(detail.state, 'review', `the task should wait for review, but it ended ${detail.state} (${detail.stopReason})`);

    const reason = 'farewell() must be exported and documented in README.md';
    const nextRound = new Promise<TaskEvent>((resolve) => {
      const d = api.ctx.onTaskEvent((e) => { if (e.type === 'round.started' && e.taskId === task.id) { d.dispose(); resolve(e); } });
    });
    const after = await vscode.commands.executeCommand<TaskSummary>('tandem.reject', { taskId: task.id, reason, retry: true });
    assert.equal(after.id, task.id);
    const round = await nextRound;
    assert.deepEqual(round, { type: 'round.started', taskId: task.id, round: detail.round + 1, feedback: reason });
    await vscode.commands.executeCommand('tandem.cancelTask', { taskId: task.id });
  });
});

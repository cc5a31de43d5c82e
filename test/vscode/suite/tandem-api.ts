// Reaching the running extension from tests inside the extension host.
import { appendFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { TandemApi } from '../../../extension/src/extension.js';
import { TaskGet } from '../../../daemon/src/protocol/messages.js';
import type { TaskDetail, TaskState, TaskSummary } from '../../../daemon/src/protocol/types.js';
import type { ScriptedChange } from '../../support/review-script.js';

export async function tandem(): Promise<TandemApi> {
  const extension = vscode.extensions.getExtension<TandemApi>('tandem-dev.tandem');
  if (!extension) throw new Error('The Tandem extension is not loaded.');
  return extension.activate();
}

export function workspaceFolder(): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) throw new Error('The test workbench was opened without a folder.');
  return folder;
}

/** Resolves once the connection is up (mocha's timeout bounds the wait). */
export async function connected(api: TandemApi): Promise<void> {
  while (api.ctx.connection.state !== 'connected') {
    if (api.ctx.connection.state === 'failed') throw new Error(`Connection failed: ${api.ctx.connection.detail}`);
    await new Promise<void>((resolve) => { const d = api.ctx.connection.onDidChangeState(() => { d.dispose(); resolve(); }); });
  }
}

const SETTLED: TaskState[] = ['review', 'applied', 'rejected', 'finished', 'failed', 'cancelled', 'interrupted'];

/** Polls the daemon until the task stops running (mocha's timeout bounds the wait). */
export async function settled(api: TandemApi, taskId: string): Promise<TaskDetail> {
  for (;;) {
    const detail = await api.ctx.client().request(TaskGet, { taskId });
    if (SETTLED.includes(detail.state)) return detail;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}


/**
 * Starts one task through the `tandem.startTask` command and waits for it to reach review with the
 * change the daemon's action script makes for its prompt (harness/scripted-tasks.ts); anything else
 * fails with how the task ended.
 */
export async function taskInReview(api: TandemApi, repoPath: string, change: ScriptedChange & { prompt: string }): Promise<{ task: TaskSummary; detail: TaskDetail }> {
  const task = await vscode.commands.executeCommand<TaskSummary>('tandem.startTask', { repoPath, prompt: change.prompt });
  if (!task?.id) throw new Error('tandem.startTask returned no task.');
  const detail = await settled(api, task.id);
  const paths = detail.diff?.files.map((f) => f.path) ?? [];
  if (detail.state !== 'review' || paths.join() !== change.path) {
    throw new Error(`The scripted task "${change.prompt}" should wait for review with ${change.path} changed; it ended `
      + `${detail.state}/${detail.stopReason ?? '-'}${detail.failureReason ? ` (${detail.failureReason})` : ''} with [${paths.join(', ')}] changed.`);
  }
  return { task, detail };
}

/** A line in the run's output: the extension host's console reaches no terminal, the runner prints this file. */
export function report(line: string): void {
  const log = process.env.TANDEM_VSCODE_TEST_LOG;
  if (log) appendFileSync(log, `${line}\n`);
  else console.log(line);
}

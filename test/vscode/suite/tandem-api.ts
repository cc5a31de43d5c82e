// Reaching the running extension from tests inside the extension host.
import { appendFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { TandemApi } from '../../../extension/src/extension.js';
import { TaskGet } from '../../../daemon/src/protocol/messages.js';
import type { TaskDetail, TaskState, TaskSummary } from '../../../daemon/src/protocol/types.js';
import { attemptPrompt, attemptsLine, MAX_ATTEMPTS, noReviewError } from '../../e2e/harness/fixture-attempts.js';

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
 * Starts tasks through the `tandem.startTask` command until one waits for review, and says how many
 * it took. Tasks that ended otherwise are reported with their stop reasons if none gets there.
 */
export async function taskInReview(api: TandemApi, repoPath: string): Promise<{ task: TaskSummary; detail: TaskDetail; attempts: number }> {
  const endings: string[] = [];
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const task = await vscode.commands.executeCommand<TaskSummary>('tandem.startTask', { repoPath, prompt: attemptPrompt(attempt) });
    if (!task?.id) throw new Error('tandem.startTask returned no task.');
    const detail = await settled(api, task.id);
    if (detail.state === 'review' && detail.diff && detail.diff.files.length > 0) {
      report(attemptsLine(attempt, endings));
      return { task, detail, attempts: attempt };
    }
    endings.push(`${detail.state}/${detail.stopReason ?? '-'}`);
  }
  throw noReviewError(endings);
}

/** A line in the run's output: the extension host's console reaches no terminal, the runner prints this file. */
export function report(line: string): void {
  const log = process.env.TANDEM_VSCODE_TEST_LOG;
  if (log) appendFileSync(log, `${line}\n`);
  else console.log(line);
}

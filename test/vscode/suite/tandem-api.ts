// Reaching the running extension from tests inside the extension host.
import * as vscode from 'vscode';
import type { TandemApi } from '../../../extension/src/extension.js';
import { TaskGet } from '../../../daemon/src/protocol/messages.js';
import type { TaskDetail, TaskState } from '../../../daemon/src/protocol/types.js';

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
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

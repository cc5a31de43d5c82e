// The left side of the review diff: a file as it was at the task's base commit, from the daemon.
import * as vscode from 'vscode';
import { ReviewOriginal } from '../../../daemon/src/protocol/messages.js';
import type { DaemonConnection } from '../daemon/daemon-connection.js';

export const ORIGINAL_SCHEME = 'tandem-original';

/** `tandem-original:/<path>?task=<id>`; `empty=1` stands for a side that does not exist. */
export function originalUri(taskId: string, path: string, empty = false): vscode.Uri {
  const query = new URLSearchParams({ task: taskId, ...(empty ? { empty: '1' } : {}) }).toString();
  return vscode.Uri.from({ scheme: ORIGINAL_SCHEME, path: `/${path}`, query });
}

export class OriginalContentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly connection: DaemonConnection) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const query = new URLSearchParams(uri.query);
    const taskId = query.get('task');
    if (query.get('empty') === '1' || !taskId) return '';
    const { content } = await this.connection.requireClient().request(ReviewOriginal, { taskId, path: uri.path.replace(/^\//, '') });
    return content ?? '';
  }
}

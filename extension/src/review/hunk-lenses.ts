// A code lens over each of the agent's hunks on the diff editor's right side (the task's worktree
// copy): "Drop this change" puts the base's lines back through the daemon, which then records the hunk
// as dropped when the file is approved. What the lenses show comes from the daemon, never re-derived here.
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { ReviewDropHunk, ReviewHunks } from '../../../daemon/src/protocol/review-hunks.js';
import type { DaemonConnection } from '../daemon/daemon-connection.js';
import type { TaskReviews } from './task-reviews.js';

export interface HunkArgs { taskId: string; path: string; index: number }

export class HunkLenses implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly connection: DaemonConnection, private readonly reviews: TaskReviews) {}

  /** Lenses move after an edit is saved or the tasks under review change. */
  refresh(): void {
    this.changed.fire();
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const file = this.reviews.fileAt(document.uri);
    const client = this.connection.client;
    if (!file || !client) return [];
    const hunks = await client.request(ReviewHunks, file).catch(() => []);
    return hunks.map((hunk) => {
      const at = new vscode.Range(Math.min(hunk.line, document.lineCount) - 1, 0, Math.min(hunk.line, document.lineCount) - 1, 0);
      return hunk.decision === 'kept'
        ? new vscode.CodeLens(at, { title: 'Tandem: drop this change', command: 'tandem.dropHunk', arguments: [{ ...file, index: hunk.index }] })
        : new vscode.CodeLens(at, { title: `Tandem: change ${hunk.decision}`, command: '' });
    });
  }

  /** Saves the user's unsaved edits first, then shows the file as the daemon left it. */
  async drop(args: HunkArgs): Promise<void> {
    const uri = this.reviews.worktreeUri(args.taskId, args.path);
    if (!uri) throw new Error(`Task ${args.taskId} is not waiting for review.`);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open?.isDirty && !(await open.save())) throw new Error(`Could not save your edit of ${args.path}; nothing was dropped.`);
    await this.connection.requireClient().request(ReviewDropHunk, args);
    if (open) {
      const content = await readFile(uri.fsPath, 'utf8');
      const edit = new vscode.WorkspaceEdit();
      edit.replace(uri, open.validateRange(new vscode.Range(0, 0, Number.MAX_SAFE_INTEGER, 0)), content);
      if (open.getText() !== content) { await vscode.workspace.applyEdit(edit); await open.save(); }
    }
    this.refresh();
  }

  dispose(): void {
    this.changed.dispose();
  }
}

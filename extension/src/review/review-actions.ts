// Approve and reject, from the Changes view, the diff editor, the command palette or a test.
// Approval names the files; the daemon compares each with the agent's frozen version, so an edit
// made in the diff editor (or a reverted hunk) is recorded as such without the extension judging it.
import * as vscode from 'vscode';
import { ReviewApprove, ReviewReject } from '../../../daemon/src/protocol/messages.js';
import type { ApplyResult, FileReview, TaskSummary } from '../../../daemon/src/protocol/types.js';
import type { DaemonConnection } from '../daemon/daemon-connection.js';
import { originalUri } from './original-content.js';
import type { TaskReviews } from './task-reviews.js';

export class ReviewActions {
  constructor(private readonly connection: DaemonConnection, private readonly reviews: TaskReviews) {}

  async openDiff(taskId: string, path: string): Promise<void> {
    const task = this.reviews.get(taskId);
    const file = task?.diff.files.find((f) => f.path === path);
    if (!task || !file) throw new Error(`Task ${taskId} has no change to ${path} waiting for review.`);
    const left = originalUri(taskId, file.oldPath ?? path, file.status === 'added');
    const right = file.status === 'deleted' ? originalUri(taskId, path, true) : this.reviews.worktreeUri(taskId, path);
    if (!right) throw new Error(`Task ${taskId} has no worktree to review.`);
    await vscode.commands.executeCommand('vscode.diff', left, right, `${path} (Tandem: original ↔ agent)`, { preview: true });
  }

  async approve(taskId: string, paths?: string[]): Promise<ApplyResult> {
    const task = this.reviews.get(taskId);
    if (!task) throw new Error(`Task ${taskId} is not waiting for review.`);
    const chosen = task.diff.files.filter((f) => !paths || paths.includes(f.path));
    if (!chosen.length) throw new Error(`None of ${paths?.join(', ')} is changed by task ${taskId}.`);
    await this.saveOpenEdits(taskId, chosen.map((file) => file.path));
    const files: FileReview[] = chosen.map((file) => ({ path: file.path, verdict: 'approve' }));
    const result = await this.connection.requireClient().request(ReviewApprove, { taskId, files });
    if (result.conflicts.length) {
      const lines = result.conflicts.map((c) => `${c.path}: ${c.message}`).join('; ');
      void vscode.window.showWarningMessage(`Tandem could not apply ${result.conflicts.length} file(s): ${lines}`);
    } else {
      void vscode.window.showInformationMessage(`Tandem applied ${result.applied.length} file(s) to your working tree.`);
    }
    return result;
  }

  /** A reason is required: it is what the agents learn from in the next round. */
  async reject(taskId: string, reason: string, retry: boolean): Promise<TaskSummary> {
    if (!reason.trim()) throw new Error('A rejection needs a reason: the agents use it in their next round.');
    return this.connection.requireClient().request(ReviewReject, { taskId, reason: reason.trim(), retry });
  }

  /** What the user sees in the diff editor is what gets approved: unsaved edits of these files are saved first. */
  private async saveOpenEdits(taskId: string, paths: string[]): Promise<void> {
    for (const path of paths) {
      const uri = this.reviews.worktreeUri(taskId, path);
      const open = uri && vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (open?.isDirty && !(await open.save())) throw new Error(`Could not save your edit of ${path}; nothing was approved.`);
    }
  }
}

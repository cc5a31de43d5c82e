// The tasks waiting for review and their diffs, kept current from task events. Whether the user
// edited a file before approving is the daemon's to say (it froze the agent's version), not ours.
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TaskEvent } from '../../../daemon/src/protocol/events.js';
import { TaskGet, TaskList } from '../../../daemon/src/protocol/messages.js';
import type { TaskDiff, TaskSummary } from '../../../daemon/src/protocol/types.js';
import type { DaemonClient } from '../daemon/daemon-client.js';

export interface TaskUnderReview {
  summary: TaskSummary;
  diff: TaskDiff;
}

export class TaskReviews implements vscode.Disposable {
  private readonly tasks = new Map<string, TaskUnderReview>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;


  list(): TaskUnderReview[] {
    return [...this.tasks.values()].sort((a, b) => b.summary.createdAt.localeCompare(a.summary.createdAt));
  }

  get(taskId: string): TaskUnderReview | undefined {
    return this.tasks.get(taskId);
  }

  /** After (re)connecting: the daemon is the truth, so start from its list. */
  async reload(client: DaemonClient): Promise<void> {
    const summaries = await client.request(TaskList, { limit: 50 });
    this.tasks.clear();
    await Promise.all(summaries.filter((t) => t.state === 'review').map((t) => this.fetch(client, t.id)));
    this.changed.fire();
  }

  async onEvent(client: DaemonClient, event: TaskEvent): Promise<void> {
    if (event.type === 'diff.ready' || (event.type === 'task.state' && event.state === 'review')) {
      await this.fetch(client, event.taskId);
      this.changed.fire();
    } else if (event.type === 'task.state' && this.tasks.delete(event.taskId)) {
      this.changed.fire();
    }
  }

  /** The file's path in the task's worktree: the right, editable side of the diff. */
  worktreeUri(taskId: string, path: string): vscode.Uri | null {
    const worktree = this.tasks.get(taskId)?.summary.worktreePath;
    return worktree ? vscode.Uri.file(join(worktree, path)) : null;
  }

  /** Every file under review, as its path in its task's worktree. */
  worktreePaths(): string[] {
    return this.list().flatMap((task) => task.diff.files.map((file) => this.worktreeUri(task.summary.id, file.path)?.fsPath ?? '')).filter(Boolean);
  }

  /** The task and file whose worktree copy this is (the right side of a review diff), if any. */
  fileAt(uri: vscode.Uri): { taskId: string; path: string } | undefined {
    for (const task of this.tasks.values()) {
      for (const file of task.diff.files) {
        if (this.worktreeUri(task.summary.id, file.path)?.toString() === uri.toString()) return { taskId: task.summary.id, path: file.path };
      }
    }
    return undefined;
  }

  dispose(): void {
    this.changed.dispose();
  }

  private async fetch(client: DaemonClient, taskId: string): Promise<void> {
    const detail = await client.request(TaskGet, { taskId });
    if (detail.state !== 'review' || !detail.diff) {
      this.tasks.delete(taskId);
      return;
    }
    const { subtasks: _subtasks, steps: _steps, diff, ...summary } = detail;
    this.tasks.set(taskId, { summary, diff });
  }
}

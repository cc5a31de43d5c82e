// The tasks waiting for review and their diffs, kept current from task events. Also remembers a
// hash of each file as the agent left it, so an approval can tell whether the user edited it.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
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

  constructor(private readonly memento: vscode.Memento) {}

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

  /** True when the user changed the file since the agent wrote it. */
  isEdited(taskId: string, path: string, content: string): boolean {
    const task = this.tasks.get(taskId);
    const known = task && this.memento.get<string>(hashKey(taskId, task.diff.round, path));
    return known !== undefined && known !== sha256(content);
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
    await this.rememberAgentVersions(summary, diff);
  }

  /** First sight of a round's files is the agent's version: the user has not had a chance to edit. */
  private async rememberAgentVersions(summary: TaskSummary, diff: TaskDiff): Promise<void> {
    if (!summary.worktreePath) return;
    for (const file of diff.files) {
      const key = hashKey(summary.id, diff.round, file.path);
      if (file.status === 'deleted' || file.binary || this.memento.get(key) !== undefined) continue;
      const content = await readFile(join(summary.worktreePath, file.path), 'utf8').catch(() => null);
      if (content !== null) await this.memento.update(key, sha256(content));
    }
  }
}

function hashKey(taskId: string, round: number, path: string): string {
  return `tandem.agentVersion:${taskId}:${round}:${path}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

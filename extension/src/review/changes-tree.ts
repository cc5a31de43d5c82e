// The "Tandem Changes" view: each task waiting for review, with its changed files under it.
import * as vscode from 'vscode';
import type { DiffFile } from '../../../daemon/src/protocol/types.js';
import type { TaskReviews, TaskUnderReview } from './task-reviews.js';

export type ChangesNode =
  | { kind: 'task'; taskId: string }
  | { kind: 'file'; taskId: string; path: string };

export class ChangesTree implements vscode.TreeDataProvider<ChangesNode> {
  readonly onDidChangeTreeData: vscode.Event<void>;

  constructor(private readonly reviews: TaskReviews) {
    this.onDidChangeTreeData = reviews.onDidChange;
  }

  getChildren(node?: ChangesNode): ChangesNode[] {
    if (!node) return this.reviews.list().map((t) => ({ kind: 'task', taskId: t.summary.id }));
    if (node.kind === 'file') return [];
    return (this.reviews.get(node.taskId)?.diff.files ?? []).map((f) => ({ kind: 'file', taskId: node.taskId, path: f.path }));
  }

  getTreeItem(node: ChangesNode): vscode.TreeItem {
    const task = this.reviews.get(node.taskId);
    return node.kind === 'task' ? taskItem(node.taskId, task) : fileItem(node, task?.diff.files.find((f) => f.path === node.path));
  }
}

function taskItem(taskId: string, task: TaskUnderReview | undefined): vscode.TreeItem {
  const item = new vscode.TreeItem(task?.summary.prompt ?? taskId, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `task:${taskId}`;
  item.contextValue = 'tandemTask';
  item.iconPath = new vscode.ThemeIcon('git-pull-request');
  if (task) item.description = `round ${task.diff.round} · ${task.diff.files.length} file(s)`;
  item.tooltip = task ? `${task.summary.prompt}\n${task.summary.repoPath}` : taskId;
  return item;
}

function fileItem(node: { taskId: string; path: string }, file: DiffFile | undefined): vscode.TreeItem {
  const item = new vscode.TreeItem(node.path, vscode.TreeItemCollapsibleState.None);
  item.id = `file:${node.taskId}:${node.path}`;
  item.contextValue = 'tandemFile';
  item.resourceUri = vscode.Uri.file(node.path);
  if (file) item.description = `${file.status} +${file.additions} -${file.deletions}`;
  item.command = { command: 'tandem.openDiff', title: 'Open Diff', arguments: [{ taskId: node.taskId, path: node.path }] };
  return item;
}

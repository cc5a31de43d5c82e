// Approve file, approve all, reject: from the Changes view (a tree node), the diff editor's title
// (the URI of its right side), the palette (nothing: the active review diff), or tests ({ taskId, path }).
import * as vscode from 'vscode';
import type { ApplyResult, TaskSummary } from '../../../daemon/src/protocol/types.js';
import type { TandemContext } from '../context.js';
import type { ChangesNode } from '../review/changes-tree.js';
import { ORIGINAL_SCHEME } from '../review/original-content.js';

interface FileArgs { taskId: string; path: string }

export async function openDiff(ctx: TandemContext, args: FileArgs): Promise<void> {
  await ctx.review.openDiff(args.taskId, args.path);
}

export async function approveFile(ctx: TandemContext, args?: vscode.Uri | ChangesNode | FileArgs): Promise<ApplyResult | undefined> {
  const target = args instanceof vscode.Uri ? fileOfUri(ctx, args) : args && 'path' in args ? args : fileInActiveDiff(ctx);
  if (!target) throw new Error('Choose a file in the Tandem Changes view, or open its diff first.');
  return ctx.review.approve(target.taskId, [target.path]);
}

export async function approveAll(ctx: TandemContext, args?: vscode.Uri | { taskId: string }): Promise<ApplyResult | undefined> {
  const taskId = taskOf(ctx, args) ?? (await pickReviewTask(ctx));
  return taskId ? ctx.review.approve(taskId) : undefined;
}

export async function reject(
  ctx: TandemContext, args?: vscode.Uri | { taskId: string; reason?: string; retry?: boolean },
): Promise<TaskSummary | undefined> {
  const taskId = taskOf(ctx, args) ?? (await pickReviewTask(ctx));
  if (!taskId) return undefined;
  const given = args instanceof vscode.Uri ? undefined : args;
  const reason = given?.reason ?? (await vscode.window.showInputBox({
    title: 'Tandem: Reject',
    prompt: 'Why? The agents read this in their next round.',
    validateInput: (value) => (value.trim() ? null : 'A reason is required.'),
  }));
  if (!reason) return undefined;
  let retry = given?.retry;
  if (retry === undefined) {
    const choice = await vscode.window.showQuickPick(
      [{ label: 'Send back to the agents', retry: true }, { label: 'Reject and close the task', retry: false }],
      { title: 'Tandem: after rejecting' },
    );
    if (!choice) return undefined;
    retry = choice.retry;
  }
  return ctx.review.reject(taskId, reason, retry);
}

async function pickReviewTask(ctx: TandemContext): Promise<string | undefined> {
  const tasks = ctx.reviews.list();
  if (!tasks.length) {
    void vscode.window.showInformationMessage('Tandem: no task is waiting for review.');
    return undefined;
  }
  if (tasks.length === 1) return tasks[0]!.summary.id;
  const picked = await vscode.window.showQuickPick(tasks.map((t) => ({ label: t.summary.prompt, description: `${t.diff.files.length} file(s)`, id: t.summary.id })));
  return picked?.id;
}

/** The task a command is about: a tree node's, a task's given by id, or the one whose file the URI is. */
function taskOf(ctx: TandemContext, args: vscode.Uri | { taskId: string } | undefined): string | undefined {
  return args instanceof vscode.Uri ? fileOfUri(ctx, args)?.taskId : args?.taskId;
}

/** A side of a review diff: the agent's file in the task's worktree, or our tandem-original document. */
function fileOfUri(ctx: TandemContext, uri: vscode.Uri): FileArgs | undefined {
  if (uri.scheme !== ORIGINAL_SCHEME) return ctx.reviews.fileAt(uri);
  const taskId = new URLSearchParams(uri.query).get('task');
  const path = uri.path.replace(/^\//, '');
  const task = taskId ? ctx.reviews.get(taskId) : undefined;
  const file = task?.diff.files.find((f) => f.path === path || f.oldPath === path);
  return taskId && file ? { taskId, path: file.path } : undefined;
}

/** The review diff in the active editor (from the palette, no argument): its right side names the task and file. */
function fileInActiveDiff(ctx: TandemContext): FileArgs | undefined {
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  if (!(tab?.input instanceof vscode.TabInputTextDiff)) return undefined;
  return fileOfUri(ctx, tab.input.modified) ?? fileOfUri(ctx, tab.input.original);
}

// Approve file, approve all, reject: from the Changes view (a tree node), the palette, or tests.
import * as vscode from 'vscode';
import type { ApplyResult, TaskSummary } from '../../../daemon/src/protocol/types.js';
import type { TandemContext } from '../context.js';
import type { ChangesNode } from '../review/changes-tree.js';
import { ORIGINAL_SCHEME } from '../review/original-content.js';

interface FileArgs { taskId: string; path: string }

export async function openDiff(ctx: TandemContext, args: FileArgs): Promise<void> {
  await ctx.review.openDiff(args.taskId, args.path);
}

export async function approveFile(ctx: TandemContext, args?: ChangesNode | FileArgs): Promise<ApplyResult | undefined> {
  const target = args && 'path' in args ? args : fileInActiveDiff(ctx);
  if (!target) throw new Error('Choose a file in the Tandem Changes view, or open its diff first.');
  return ctx.review.approve(target.taskId, [target.path]);
}

export async function approveAll(ctx: TandemContext, args?: { taskId: string }): Promise<ApplyResult | undefined> {
  const taskId = args?.taskId ?? (await pickReviewTask(ctx));
  return taskId ? ctx.review.approve(taskId) : undefined;
}

export async function reject(ctx: TandemContext, args?: { taskId: string; reason?: string; retry?: boolean }): Promise<TaskSummary | undefined> {
  const taskId = args?.taskId ?? (await pickReviewTask(ctx));
  if (!taskId) return undefined;
  const reason = args?.reason ?? (await vscode.window.showInputBox({
    title: 'Tandem: Reject',
    prompt: 'Why? The agents read this in their next round.',
    validateInput: (value) => (value.trim() ? null : 'A reason is required.'),
  }));
  if (!reason) return undefined;
  let retry = args?.retry;
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

/** The review diff in the active editor: its left side is ours, and names the task and file. */
function fileInActiveDiff(ctx: TandemContext): FileArgs | undefined {
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  if (!(tab?.input instanceof vscode.TabInputTextDiff) || tab.input.original.scheme !== ORIGINAL_SCHEME) return undefined;
  const taskId = new URLSearchParams(tab.input.original.query).get('task');
  if (!taskId || !ctx.reviews.get(taskId)) return undefined;
  const path = ctx.reviews.get(taskId)!.diff.files.find((f) => ctx.reviews.worktreeUri(taskId, f.path)?.toString() === (tab.input as vscode.TabInputTextDiff).modified.toString())?.path;
  return path ? { taskId, path } : undefined;
}

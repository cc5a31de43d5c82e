// Start and cancel tasks from the command palette (or with arguments, from the panel and tests).
import * as vscode from 'vscode';
import { TaskCancel, TaskList, TaskStart } from '../../../daemon/src/protocol/messages.js';
import type { TaskSummary } from '../../../daemon/src/protocol/types.js';
import type { TandemContext } from '../context.js';

export interface StartTaskArgs {
  prompt?: string;
  repoPath?: string;
}

export async function startTask(ctx: TandemContext, args: StartTaskArgs = {}): Promise<TaskSummary | undefined> {
  const repoPath = args.repoPath ?? (await pickFolder());
  if (!repoPath) return undefined;
  const prompt = args.prompt ?? (await vscode.window.showInputBox({
    title: 'Tandem: Start Task',
    prompt: `What should the agents do in ${repoPath}?`,
    validateInput: (value) => (value.trim() ? null : 'Describe the task.'),
  }));
  if (!prompt?.trim()) return undefined;
  const task = await ctx.client().request(TaskStart, { repoPath, prompt: prompt.trim() });
  if (!ctx.panel.isOpen && !args.prompt) ctx.panel.show(); // interactive starts show the live timeline
  return task;
}

export async function cancelTask(ctx: TandemContext, args: { taskId?: string } = {}): Promise<TaskSummary | undefined> {
  const taskId = args.taskId ?? (await pickTask(ctx, (t) => t.state === 'running' || t.state === 'queued', 'No task is running.'));
  if (!taskId) return undefined;
  return ctx.client().request(TaskCancel, { taskId });
}

export async function pickTask(ctx: TandemContext, filter: (task: TaskSummary) => boolean, none: string): Promise<string | undefined> {
  const tasks = (await ctx.client().request(TaskList, { limit: 50 })).filter(filter);
  if (!tasks.length) {
    void vscode.window.showInformationMessage(`Tandem: ${none}`);
    return undefined;
  }
  if (tasks.length === 1) return tasks[0]!.id;
  const picked = await vscode.window.showQuickPick(
    tasks.map((t) => ({ label: t.prompt, description: `${t.state} · ${t.repoPath}`, id: t.id })),
    { title: 'Tandem: choose a task' },
  );
  return picked?.id;
}

async function pickFolder(): Promise<string | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 1) return folders[0]!.uri.fsPath;
  if (folders.length > 1) {
    const picked = await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Which repository is the task for?' });
    return picked?.uri.fsPath;
  }
  const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Use this repository' });
  return chosen?.[0]?.fsPath;
}

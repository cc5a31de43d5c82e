// A rejection either keeps the worktree for another round (the agents start from their earlier work,
// minus any files the user rejected outright) or discards it with its branch.
import { rm, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { resolveInside } from '../agents/tools/path-guard.js';
import { fileAtCommit } from './file-at-commit.js';
import type { TaskWorktree } from './task-worktree.js';
import { removeTaskWorktree } from './worktree-cleanup.js';

export async function rejectTaskWorktree(
  task: TaskWorktree, options: { retry: boolean; worktreesDir: string; files?: string[] },
): Promise<'kept' | 'removed'> {
  if (!options.retry) {
    await removeTaskWorktree({ repoPath: task.repoPath, taskId: task.taskId, worktreesDir: options.worktreesDir });
    return 'removed';
  }
  if (options.files?.length) await revertTaskFiles(task, options.files);
  return 'kept';
}

/** Puts files in the worktree back to the base version (removing ones the task added). */
export async function revertTaskFiles(task: TaskWorktree, paths: string[]): Promise<void> {
  for (const path of paths) {
    const inside = await resolveInside(task.root, path);
    if (!inside.ok) continue; // not a worktree file: nothing of the task's to revert
    const base = await fileAtCommit(task.root, task.baseCommit, inside.relative);
    const target = join(task.root, inside.relative);
    if (base === null) {
      await rm(target, { force: true });
    } else {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, base);
    }
  }
}

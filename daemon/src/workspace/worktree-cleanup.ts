// Removing task worktrees: a finished or discarded task's, and orphans a crash left behind.
import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { removeAgentVersions } from './agent-version.js';
import { gitExec } from './git-exec.js';
import { taskBranch, taskWorktreePath } from './task-worktree.js';
import { checkTaskId } from './workspace-error.js';

export interface OrphanWorktree {
  taskId: string;
  path: string;
  /** The repository it belongs to, or null when its link back (the .git file) is gone or broken. */
  repoPath: string | null;
}

/** Removes a task's worktree and its branch (the agents never commit there, so nothing else is on it). */
export async function removeTaskWorktree(options: { repoPath: string | null; taskId: string; worktreesDir: string }): Promise<void> {
  checkTaskId(options.taskId);
  const root = taskWorktreePath(options.worktreesDir, options.taskId);
  if (options.repoPath) {
    await gitExec(['worktree', 'remove', '--force', '--force', root], { cwd: options.repoPath });
    await gitExec(['worktree', 'prune'], { cwd: options.repoPath });
    await gitExec(['branch', '-D', taskBranch(options.taskId)], { cwd: options.repoPath });
    await removeAgentVersions(options.repoPath, options.taskId);
  }
  // Whatever git could not remove (a broken link, no repo) goes too; the path is ours, under worktreesDir.
  if (existsSync(root)) await rm(root, { recursive: true, force: true });
}

/** Worktrees under the folder that belong to no live task: what a crash leaves. Only reports. */
export async function findOrphanWorktrees(options: { worktreesDir: string; isLiveTask: (taskId: string) => boolean }): Promise<OrphanWorktree[]> {
  const dir = resolve(options.worktreesDir);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const orphans: OrphanWorktree[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || options.isLiveTask(entry.name)) continue;
    const path = join(dir, entry.name);
    orphans.push({ taskId: entry.name, path, repoPath: await ownerRepo(path) });
  }
  return orphans.sort((a, b) => a.taskId.localeCompare(b.taskId));
}

/** Finds orphans and removes them, returning what was removed. */
export async function removeOrphanWorktrees(options: { worktreesDir: string; isLiveTask: (taskId: string) => boolean }): Promise<OrphanWorktree[]> {
  const removed: OrphanWorktree[] = [];
  for (const orphan of await findOrphanWorktrees(options)) {
    const gone = await removeTaskWorktree({ repoPath: orphan.repoPath, taskId: orphan.taskId, worktreesDir: options.worktreesDir })
      .then(() => true, () => false); // a folder whose name is no task id is reported, not removed
    if (gone) removed.push(orphan);
  }
  return removed;
}

/** A worktree's .git file says "gitdir: <repo>/.git/worktrees/<name>"; its commondir leads to the repo. */
async function ownerRepo(worktree: string): Promise<string | null> {
  const link = await readFile(join(worktree, '.git'), 'utf8').catch(() => null);
  const gitdir = link?.match(/^gitdir: (.+)$/m)?.[1]?.trim();
  if (!gitdir || !existsSync(gitdir)) return null;
  const common = (await readFile(join(gitdir, 'commondir'), 'utf8').catch(() => '')).trim();
  const commonDir = common ? (isAbsolute(common) ? common : resolve(gitdir, common)) : resolve(gitdir, '..', '..');
  const repo = dirname(commonDir);
  return existsSync(repo) ? repo : null;
}

// A scratch worktree for one attempt at a subtask: a detached worktree of the task's base commit beside
// the task's own, made to hold exactly the task worktree's files as they are now (the earlier subtasks'
// changes included). Attempts run side by side without touching the task's worktree; the chosen one's
// files are then mirrored back into it, and every scratch worktree is removed.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ScratchWorkspace, TaskWorkspace } from '../agents/ports.js';
import type { TaskDiff } from '../protocol/types.js';
import { gitText } from './git-exec.js';
import { taskDiff } from './task-diff.js';
import { WorkspaceError } from './workspace-error.js';

class ScratchWorktree implements ScratchWorkspace {
  constructor(
    private readonly parent: TaskWorkspace,
    readonly root: string,
  ) {}

  get taskId(): string {
    return this.parent.taskId;
  }

  get branch(): string {
    return this.parent.branch;
  }

  get baseCommit(): string {
    return this.parent.baseCommit;
  }

  diff(round: number): Promise<TaskDiff> {
    return taskDiff(this.taskId, round, this.root, this.baseCommit);
  }

  async adopt(): Promise<void> {
    await mirrorFiles(this.root, this.parent.root);
  }

  async dispose(): Promise<void> {
    await gitText(['worktree', 'remove', '--force', this.root], { cwd: this.parent.root }).catch(() => undefined);
    await rm(this.root, { recursive: true, force: true });
    await gitText(['worktree', 'prune'], { cwd: this.parent.root }).catch(() => undefined);
  }
}

/** A scratch copy of `parent` named by `name` (e.g. "s1-a2"), beside the parent's worktree. */
export async function createScratchWorktree(parent: TaskWorkspace, name: string): Promise<ScratchWorkspace> {
  const root = `${parent.root}.${name}`;
  if (existsSync(root)) await rm(root, { recursive: true, force: true });
  try {
    await gitText(['worktree', 'add', '--quiet', '--detach', root, parent.baseCommit], { cwd: parent.root });
  } catch (error) {
    throw new WorkspaceError(`could not create a scratch worktree for an attempt: ${(error as Error).message.trim()}`);
  }
  const scratch = new ScratchWorktree(parent, root);
  try {
    await mirrorFiles(parent.root, root);
  } catch (error) {
    await scratch.dispose();
    throw error;
  }
  return scratch;
}

/** Makes `to` hold exactly the files `from` holds (ignored files and .git aside): copies each, deletes the rest. */
async function mirrorFiles(from: string, to: string): Promise<void> {
  const source = await filesOf(from);
  const target = await filesOf(to);
  for (const path of target) if (!source.has(path)) await rm(join(to, path), { force: true });
  for (const path of source) {
    await mkdir(dirname(join(to, path)), { recursive: true });
    await copyFile(join(from, path), join(to, path));
  }
}

/** Files present in a worktree: tracked ones still on disk, and untracked ones git does not ignore. */
async function filesOf(root: string): Promise<Set<string>> {
  const listed = await gitText(['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root });
  return new Set(listed.split('\0').filter((path) => path !== '' && existsSync(join(root, path))));
}

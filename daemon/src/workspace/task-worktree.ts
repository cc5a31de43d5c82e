// Each task works on branch tandem/<task-id> in a worktree of its own under Tandem's worktrees
// folder, started from the user's HEAD. Creating it writes only git metadata (the branch and
// .git/worktrees/<id>); the user's files, index and HEAD stay as they were.
import { existsSync } from 'node:fs';
import { mkdir, realpath } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { simpleGit } from 'simple-git';
import type { ScratchWorkspace, TaskWorkspace } from '../agents/ports.js';
import type { TaskDiff } from '../protocol/types.js';
import { fileAtCommit } from './file-at-commit.js';
import { gitText } from './git-exec.js';
import { createScratchWorktree } from './scratch-worktree.js';
import { taskDiff } from './task-diff.js';
import { checkTaskId, WorkspaceError } from './workspace-error.js';

export interface TaskWorktreeOptions {
  repoPath: string;
  taskId: string;
  /** Where worktrees live: `tandemPaths().worktrees`, outside any user's working tree. */
  worktreesDir: string;
}

export class TaskWorktree implements TaskWorkspace {
  constructor(
    readonly taskId: string,
    readonly repoPath: string,
    readonly root: string,
    readonly branch: string,
    readonly baseCommit: string,
    /** Paths the user had changed but not committed when the task started; the task does not see them. */
    readonly userChangesAtStart: string[],
  ) {}

  diff(round: number): Promise<TaskDiff> {
    return taskDiff(this.taskId, round, this.root, this.baseCommit);
  }

  scratch(name: string): Promise<ScratchWorkspace> {
    return createScratchWorktree(this, name);
  }

  /** The file at the base commit (the left side of the review), or null when the task added it. */
  original(path: string): Promise<Buffer | null> {
    return fileAtCommit(this.root, this.baseCommit, path);
  }

  /** A line for the user when the task started from HEAD without their uncommitted changes. */
  get warning(): string | null {
    const n = this.userChangesAtStart.length;
    if (n === 0) return null;
    return `${n} uncommitted change${n === 1 ? '' : 's'} in ${this.repoPath} (${this.userChangesAtStart.slice(0, 3).join(', ')}${n > 3 ? ', …' : ''}) `
      + 'are not part of the task: it starts from HEAD. Approved changes are merged with your edits.';
  }
}

export const taskBranch = (taskId: string): string => `tandem/${taskId}`;
export const taskWorktreePath = (worktreesDir: string, taskId: string): string => join(resolve(worktreesDir), taskId);

export async function createTaskWorktree(options: TaskWorktreeOptions): Promise<TaskWorktree> {
  checkTaskId(options.taskId);
  const repoPath = await repoTopLevel(options.repoPath);
  const git = simpleGit(repoPath);
  const head = await git.revparse(['--verify', '--quiet', 'HEAD^{commit}']).catch(() => '');
  if (!head) throw new WorkspaceError(`${repoPath} has no commits yet: make a first commit, then start the task`);
  const root = taskWorktreePath(options.worktreesDir, options.taskId);
  if (existsSync(root)) throw new WorkspaceError(`a worktree for task ${options.taskId} already exists at ${root}`);
  await checkOutsideRepo(options.worktreesDir, repoPath);
  await mkdir(resolve(options.worktreesDir), { recursive: true });
  const userChanges = await uncommittedPaths(repoPath);
  const branch = taskBranch(options.taskId);
  try {
    await git.raw(['worktree', 'add', '--quiet', '-b', branch, root, head.trim()]);
  } catch (error) {
    throw new WorkspaceError(`could not create the task's worktree: ${(error as Error).message.trim()}`);
  }
  return new TaskWorktree(options.taskId, repoPath, root, branch, head.trim(), userChanges);
}

/** Reopens the worktree of an existing task (after a daemon restart, or for the next round). */
export async function openTaskWorktree(options: TaskWorktreeOptions & { baseCommit?: string }): Promise<TaskWorktree> {
  checkTaskId(options.taskId);
  const repoPath = await repoTopLevel(options.repoPath);
  const root = taskWorktreePath(options.worktreesDir, options.taskId);
  if (!existsSync(join(root, '.git'))) {
    throw new WorkspaceError(`task ${options.taskId} has no worktree at ${root}: it was removed or never created`);
  }
  const branch = (await simpleGit(root).raw(['symbolic-ref', '--short', 'HEAD'])).trim();
  if (branch !== taskBranch(options.taskId)) {
    throw new WorkspaceError(`the worktree at ${root} is on "${branch}", not ${taskBranch(options.taskId)}`);
  }
  // The agents never commit in their worktree, so the branch tip is the base unless told otherwise.
  const baseCommit = options.baseCommit ?? (await simpleGit(root).revparse(['HEAD'])).trim();
  return new TaskWorktree(options.taskId, repoPath, root, branch, baseCommit, []);
}

/** `git status` without its optional index refresh, so even the index's stat cache stays as it was. */
async function uncommittedPaths(repoPath: string): Promise<string[]> {
  const out = await gitText(['status', '--porcelain=v1', '-z', '--untracked-files=all'], { cwd: repoPath, env: { GIT_OPTIONAL_LOCKS: '0' } });
  const fields = out.split('\0');
  const paths: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const entry = fields[i]!;
    if (entry.length < 4) continue;
    paths.push(entry.slice(3));
    if (entry[0] === 'R' || entry[0] === 'C') i++; // the next field is the old path
  }
  return paths;
}

async function repoTopLevel(path: string): Promise<string> {
  if (!existsSync(path)) throw new WorkspaceError(`${path} does not exist`);
  try {
    return (await simpleGit(path).revparse(['--show-toplevel'])).trim();
  } catch {
    throw new WorkspaceError(`${path} is not inside a git repository`);
  }
}

/** A worktree inside the user's tree would show up in their status and their searches. */
async function checkOutsideRepo(worktreesDir: string, repoPath: string): Promise<void> {
  let existing = resolve(worktreesDir);
  while (!existsSync(existing)) existing = dirname(existing); // checked before anything is created
  const parent = await realpath(existing);
  const repo = await realpath(repoPath);
  if (parent === repo || parent.startsWith(repo + '/')) {
    throw new WorkspaceError(`the worktrees folder ${parent} is inside the repository ${repo}: set TANDEM_HOME elsewhere`);
  }
}

// Approval: exactly the approved files or hunks reach the user's working tree. A file the user has
// edited since the task started is merged three ways (base, theirs = agent, ours = user); when that
// conflicts the user's file is left as it is and the conflict is reported. The agent's version stays
// in the task's worktree either way, so nothing is lost. With the round's frozen agent version, the
// hunks are the reviewed diff's and an edit made in the worktree since is the user's (approved-content.ts).
import { lstat, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { resolveInside } from '../agents/tools/path-guard.js';
import type { ApplyResult, FileReview } from '../protocol/types.js';
import { appliedPatch, type AppliedPatch, type FileChange } from './applied-patch.js';
import { approvedContent, type ApprovedFile, type DecidedReview } from './approved-content.js';
import { commitApproved } from './commit-approved.js';
import { committedChanges, worktreeChanges } from './task-diff.js';
import type { TaskWorktree } from './task-worktree.js';
import { mergeThreeWay, type Content } from './three-way-merge.js';

export interface ApplyOptions {
  /** Commit what was applied (only those paths), with a `Tandem-Task: <id>` trailer. */
  commit?: boolean | { message: string };
  /** The round's frozen agent version (TaskDiff.agentCommit): what the user reviewed. */
  agentCommit?: string;
}

export interface ApplyOutcome {
  result: ApplyResult;
  /** What reached the user's tree: the store records it, and signals look for its patch-id. */
  applied: AppliedPatch;
  /** The review of each applied file as it turned out (edited or not, hunk by hunk): the store records these. */
  reviews: DecidedReview[];
}

export async function applyApproved(task: TaskWorktree, reviews: FileReview[], options: ApplyOptions = {}): Promise<ApplyOutcome> {
  const changes = options.agentCommit
    ? await committedChanges(task.root, task.baseCommit, options.agentCommit)
    : await worktreeChanges(task.root, task.baseCommit);
  const source = { worktreeRoot: task.root, baseCommit: task.baseCommit, ...(options.agentCommit ? { agentCommit: options.agentCommit } : {}) };
  const conflicts: ApplyResult['conflicts'] = [];
  const writes: FileChange[] = [];
  const appliedPaths: string[] = [];
  const decided: DecidedReview[] = [];
  for (const review of reviews) {
    if (review.verdict === 'reject') continue;
    const index = changes.files.findIndex((file) => file.path === review.path);
    const file = changes.files[index];
    if (!file) { conflicts.push({ path: review.path, message: 'this file is not in the task\'s diff' }); continue; }
    const approved = await approvedContent(review, file, changes.sections[index], source);
    if (!approved.ok) { conflicts.push({ path: review.path, message: approved.message }); continue; }
    const planned = await planFile(task.repoPath, approved.file);
    if ('message' in planned) conflicts.push({ path: review.path, message: planned.message });
    else { writes.push(...planned); appliedPaths.push(review.path); decided.push(approved.decided); }
  }
  for (const change of writes) await writeUserFile(task.repoPath, change);
  const applied = await appliedPatch(task.repoPath, writes);
  const paths = [...new Set(writes.map((change) => change.path))];
  let commit: string | null = null;
  if (options.commit && writes.length > 0) {
    const outcome = await commitApproved(task.repoPath, paths, task.taskId, typeof options.commit === 'object' ? options.commit.message : undefined);
    if (outcome.ok) commit = outcome.sha;
    else conflicts.push({ path: '', message: outcome.message });
  }
  return { result: { applied: appliedPaths, conflicts, commit }, applied, reviews: decided };
}

/** The writes one approved file needs in the user's tree (none when it is already there), or why not. */
async function planFile(repoPath: string, file: ApprovedFile): Promise<FileChange[] | { message: string }> {
  for (const path of new Set([file.path, file.sourcePath])) {
    const inside = await resolveInside(repoPath, path);
    if (!inside.ok) return { message: inside.error };
  }
  const ours = await userFile(repoPath, file.sourcePath);
  if (ours === 'not-a-file') return { message: 'in your tree this is not a regular file; it was left as it is' };
  const outcome = await mergeThreeWay(file.base, ours, file.theirs, repoPath);
  if (outcome.kind === 'conflict') return { message: outcome.message };
  const writes: FileChange[] = [];
  if (file.sourcePath !== file.path) {
    const target = await userFile(repoPath, file.path);
    if (target !== null) return { message: `the agent renamed ${file.sourcePath} to ${file.path}, which already exists in your tree` };
    writes.push({ path: file.sourcePath, before: ours, after: null, executable: file.executable });
    writes.push({ path: file.path, before: null, after: outcome.content, executable: file.executable });
  } else {
    writes.push({ path: file.path, before: ours, after: outcome.content, executable: file.executable });
  }
  return writes.filter((change) => !sameContent(change.before, change.after));
}

const sameContent = (a: Content, b: Content): boolean => (a === null || b === null ? a === b : a.equals(b));

async function userFile(repoPath: string, path: string): Promise<Content | 'not-a-file'> {
  const stats = await lstat(`${repoPath}/${path}`).catch(() => null);
  if (!stats) return null;
  if (!stats.isFile()) return 'not-a-file';
  return readFile(`${repoPath}/${path}`);
}

async function writeUserFile(repoPath: string, change: FileChange): Promise<void> {
  const target = `${repoPath}/${change.path}`;
  if (change.after === null) { await rm(target, { force: true }); return; }
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, change.after, { mode: change.executable ? 0o755 : 0o644 });
}

// Approval: exactly the approved files or hunks reach the user's working tree. A file the user has
// edited since the task started is merged three ways (base, theirs = agent, ours = user); when that
// conflicts the user's file is left as it is and the conflict is reported. The agent's version stays
// in the task's worktree either way, so nothing is lost.
import { lstat, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { resolveInside } from '../agents/tools/path-guard.js';
import type { ApplyResult, FileReview } from '../protocol/types.js';
import { appliedPatch, type AppliedPatch, type FileChange } from './applied-patch.js';
import { approvedContent, type ApprovedFile } from './approved-content.js';
import { commitApproved } from './commit-approved.js';
import { worktreeChanges } from './task-diff.js';
import type { TaskWorktree } from './task-worktree.js';
import { mergeThreeWay, type Content } from './three-way-merge.js';

export interface ApplyOptions {
  /** Commit what was applied (only those paths), with a `Tandem-Task: <id>` trailer. */
  commit?: boolean | { message: string };
  /** The patch-id the user reviewed; if the worktree's diff has changed since, nothing is applied. */
  expectedPatchId?: string;
}

export interface ApplyOutcome {
  result: ApplyResult;
  /** What reached the user's tree: the store records it, and signals look for its patch-id. */
  applied: AppliedPatch;
}

export async function applyApproved(task: TaskWorktree, reviews: FileReview[], options: ApplyOptions = {}): Promise<ApplyOutcome> {
  const changes = await worktreeChanges(task.root, task.baseCommit);
  const conflicts: ApplyResult['conflicts'] = [];
  if (options.expectedPatchId !== undefined && options.expectedPatchId !== changes.patchId) {
    conflicts.push({ path: '', message: 'the task\'s diff changed since it was reviewed: review it again' });
    return { result: { applied: [], conflicts, commit: null }, applied: { unified: '', patchId: '' } };
  }
  const writes: FileChange[] = [];
  const appliedPaths: string[] = [];
  for (const review of reviews) {
    if (review.verdict === 'reject') continue;
    const index = changes.files.findIndex((file) => file.path === review.path);
    const file = changes.files[index];
    if (!file) { conflicts.push({ path: review.path, message: 'this file is not in the task\'s diff' }); continue; }
    const approved = await approvedContent(review, file, changes.sections[index], task.root, task.baseCommit);
    if (!approved.ok) { conflicts.push({ path: review.path, message: approved.message }); continue; }
    const planned = await planFile(task.repoPath, approved.file);
    if ('message' in planned) conflicts.push({ path: review.path, message: planned.message });
    else { writes.push(...planned); appliedPaths.push(review.path); }
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
  return { result: { applied: appliedPaths, conflicts, commit }, applied };
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

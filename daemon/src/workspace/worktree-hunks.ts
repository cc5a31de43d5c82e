// The agent's hunks of one file against the worktree's copy now: which are still as the agent wrote
// them, dropped or edited, where each starts, and dropping one by writing the base's lines back.
import { lstat, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HunkState } from '../protocol/review-hunks.js';
import { decideHunks, hunksBetween } from './hunk-decisions.js';
import { applySelectedHunks } from './hunk-selection.js';
import type { ParsedHunk } from './unified-diff.js';

export interface FileUnderReview {
  root: string;
  path: string;
  base: Buffer | null;
  /** The reviewed diff's hunks of the file. */
  agentHunks: ParsedHunk[];
}

export async function worktreeHunks(file: FileUnderReview): Promise<HunkState[]> {
  const { userHunks } = await currentHunks(file);
  const decisions = decideHunks(file.agentHunks, userHunks);
  return file.agentHunks.map((hunk, i) => {
    // Lines the user's version added or removed above the hunk move it.
    const shift = userHunks.filter((user) => user.oldStart + user.oldLines <= hunk.oldStart).reduce((sum, user) => sum + user.newLines - user.oldLines, 0);
    return { index: hunk.index, decision: decisions[i]!, line: Math.max(1, hunk.oldStart + (hunk.oldLines === 0 ? 1 : 0) + shift) };
  });
}

/** Writes the worktree's file back without the hunk; refuses one that is not as the agent wrote it. */
export async function dropHunk(file: FileUnderReview, index: number): Promise<HunkState[] | { error: string }> {
  const agentHunk = file.agentHunks.find((hunk) => hunk.index === index);
  if (!agentHunk) return { error: `${file.path} has no hunk ${index}` };
  const { base, userHunks } = await currentHunks(file);
  const same = userHunks.find((user) => decideHunks([agentHunk], [user])[0] === 'kept');
  if (!same) return { error: `hunk ${index} of ${file.path} is no longer as the agent wrote it (dropped or edited already)` };
  const without = applySelectedHunks(base, userHunks, userHunks.filter((user) => user !== same).map((user) => user.index));
  if (!without.ok) return { error: without.error };
  await writeFile(join(file.root, file.path), without.content);
  return worktreeHunks(file);
}

async function currentHunks(file: FileUnderReview): Promise<{ base: string; userHunks: ParsedHunk[] }> {
  const target = join(file.root, file.path);
  const stats = await lstat(target).catch(() => null);
  const current = stats?.isFile() ? await readFile(target) : Buffer.alloc(0);
  const base = file.base ?? Buffer.alloc(0);
  return { base: base.toString('utf8'), userHunks: await hunksBetween(file.root, base, current) };
}

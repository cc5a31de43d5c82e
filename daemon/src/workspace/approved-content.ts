// What the user approved for one file, as bytes: the agent's whole file, the base with only the
// chosen hunks applied, or the user's own edited version.
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DiffFile, FileReview } from '../protocol/types.js';
import { fileAtCommit } from './file-at-commit.js';
import { applySelectedHunks } from './hunk-selection.js';
import type { Content } from './three-way-merge.js';
import type { FileSection } from './unified-diff.js';

export interface ApprovedFile {
  /** Where the result goes in the user's tree. */
  path: string;
  /** The user's file it grows from: oldPath for a rename, else path. */
  sourcePath: string;
  base: Content;
  theirs: Content;
  executable: boolean;
}

export type ApprovedContent = { ok: true; file: ApprovedFile } | { ok: false; message: string };

export async function approvedContent(
  review: FileReview, file: DiffFile, section: FileSection | undefined, worktreeRoot: string, baseCommit: string,
): Promise<ApprovedContent> {
  const sourcePath = file.oldPath ?? file.path;
  const base = await fileAtCommit(worktreeRoot, baseCommit, sourcePath);
  const agent = await agentFile(worktreeRoot, file.path);
  if (!agent.ok) return agent;
  const approved = (theirs: Content): ApprovedContent => ({ ok: true, file: { path: file.path, sourcePath, base, theirs, executable: agent.executable } });

  if (review.verdict === 'approve_with_edits') {
    if (review.editedContent === undefined) return { ok: false, message: 'approve_with_edits needs the edited content of the file' };
    return approved(Buffer.from(review.editedContent, 'utf8'));
  }
  if (review.hunks === undefined) return approved(agent.content);
  if (file.binary || !section) return { ok: false, message: 'hunks cannot be chosen in a binary file: approve or reject it whole' };
  const selection = applySelectedHunks((base ?? Buffer.alloc(0)).toString('utf8'), section.hunks, review.hunks);
  if (!selection.ok) return { ok: false, message: selection.error };
  // Every hunk of a deletion approved means the file goes, not that it becomes empty.
  const deletesAll = file.status === 'deleted' && section.hunks.every((hunk) => review.hunks!.includes(hunk.index));
  return approved(deletesAll ? null : Buffer.from(selection.content, 'utf8'));
}

/** The agent's version; links are refused because copying one could point the user's tree anywhere. */
async function agentFile(root: string, path: string): Promise<{ ok: true; content: Content; executable: boolean } | { ok: false; message: string }> {
  const stats = await lstat(join(root, path)).catch(() => null);
  if (!stats) return { ok: true, content: null, executable: false };
  if (stats.isSymbolicLink()) return { ok: false, message: 'the agent made this a symbolic link; links are not applied, create it yourself if you want it' };
  if (!stats.isFile()) return { ok: false, message: 'the agent\'s version is not a regular file' };
  return { ok: true, content: await readFile(join(root, path)), executable: (stats.mode & 0o111) !== 0 };
}

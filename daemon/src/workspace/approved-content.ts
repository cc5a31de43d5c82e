// What the user approved for one file, as bytes, and what their review amounts to. The agent's
// version comes from the round's frozen commit (agent-version.ts); the worktree's file is what the
// user sees on the diff editor's right side. When they differ the user edited before approving, and
// the daemon, not the client, says so: approve_with_edits with the user's version (what the export
// trains on), naming the kept hunks too when the edit only reverted some of the agent's.
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DiffFile, FileReview } from '../protocol/types.js';
import type { HunkDecision } from '../protocol/review-hunks.js';
import { agentFileAt, type AgentFile } from './agent-version.js';
import { fileAtCommit } from './file-at-commit.js';
import { decideHunks, hunksBetween } from './hunk-decisions.js';
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

/** The review as recorded: what the user's approval of the file turned out to be, hunk by hunk. */
export interface DecidedReview {
  review: FileReview;
  hunks: HunkDecision[];
}

export type ApprovedContent = { ok: true; file: ApprovedFile; decided: DecidedReview } | { ok: false; message: string };

export interface ReviewSource {
  worktreeRoot: string;
  baseCommit: string;
  /** The round's frozen agent version; without one (older records) the worktree's file counts as the agent's. */
  agentCommit?: string;
}

export async function approvedContent(request: FileReview, file: DiffFile, section: FileSection | undefined, source: ReviewSource): Promise<ApprovedContent> {
  const sourcePath = file.oldPath ?? file.path;
  const base = await fileAtCommit(source.worktreeRoot, source.baseCommit, sourcePath);
  const current = await worktreeFile(source.worktreeRoot, file.path);
  if (!current.ok) return current;
  const agent: AgentFile = source.agentCommit ? await agentFileAt(source.worktreeRoot, source.agentCommit, file.path) : current.file;
  if (agent.symlink) return { ok: false, message: 'the agent made this a symbolic link; links are not applied, create it yourself if you want it' };
  const approved = (theirs: Content, review: FileReview, hunks: HunkDecision[]): ApprovedContent => ({
    ok: true, file: { path: file.path, sourcePath, base, theirs, executable: agent.executable }, decided: { review: { ...review, path: file.path }, hunks },
  });
  const all = (decision: HunkDecision) => (section?.hunks ?? []).map(() => decision);

  const edited = request.editedContent !== undefined ? Buffer.from(request.editedContent, 'utf8')
    : !sameContent(current.file.content, agent.content) ? current.file.content : undefined;
  if (edited !== undefined) {
    if (request.hunks !== undefined) {
      return { ok: false, message: 'it was edited in the worktree and hunks were chosen too: approve the file as it is now, or undo the edit' };
    }
    if (edited === null) return { ok: false, message: 'the agent\'s file was deleted from the worktree: reject it, or undo the deletion' };
    if (file.binary || !section) return { ok: false, message: 'a binary file edited after the agent cannot be approved: undo the edit, or reject it' };
    const decisions = decideHunks(section.hunks, await hunksBetween(source.worktreeRoot, base ?? Buffer.alloc(0), edited));
    const kept = section.hunks.filter((_, i) => decisions[i] === 'kept').map((hunk) => hunk.index);
    const selection = decisions.includes('edited') ? null : applySelectedHunks((base ?? Buffer.alloc(0)).toString('utf8'), section.hunks, kept);
    // Only reverted hunks: the kept ones are named too, so the review reads as the hunk selection it is.
    const onlyDropped = selection?.ok === true && selection.content === edited.toString('utf8');
    return approved(edited, { path: file.path, verdict: 'approve_with_edits', editedContent: edited.toString('utf8'), ...(onlyDropped ? { hunks: kept } : {}) }, decisions);
  }

  if (request.hunks === undefined) return approved(agent.content, { path: file.path, verdict: 'approve' }, all('kept'));
  if (file.binary || !section) return { ok: false, message: 'hunks cannot be chosen in a binary file: approve or reject it whole' };
  const selection = applySelectedHunks((base ?? Buffer.alloc(0)).toString('utf8'), section.hunks, request.hunks);
  if (!selection.ok) return { ok: false, message: selection.error };
  const decisions = section.hunks.map((hunk): HunkDecision => (request.hunks!.includes(hunk.index) ? 'kept' : 'dropped'));
  // Every hunk of a deletion approved means the file goes, not that it becomes empty.
  const deletesAll = file.status === 'deleted' && decisions.every((decision) => decision === 'kept');
  return approved(deletesAll ? null : Buffer.from(selection.content, 'utf8'), { path: file.path, verdict: 'approve', hunks: request.hunks }, decisions);
}

const sameContent = (a: Content, b: Content): boolean => (a === null || b === null ? a === b : a.equals(b));

/** The worktree's file now; links are refused because copying one could point the user's tree anywhere. */
async function worktreeFile(root: string, path: string): Promise<{ ok: true; file: AgentFile } | { ok: false; message: string }> {
  const stats = await lstat(join(root, path)).catch(() => null);
  if (!stats) return { ok: true, file: { content: null, executable: false, symlink: false } };
  if (stats.isSymbolicLink()) return { ok: true, file: { content: null, executable: false, symlink: true } };
  if (!stats.isFile()) return { ok: false, message: 'the agent\'s version is not a regular file' };
  return { ok: true, file: { content: await readFile(join(root, path)), executable: (stats.mode & 0o111) !== 0, symlink: false } };
}

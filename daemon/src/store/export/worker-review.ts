// Which review judges a worker's version. The worker's subtask records its own diff (the round's
// worktree after the subtask), but the human reviews the round's final diff, so a worker version is
// judged by what the human decided about the files its subtask changed in that round. Only the
// subtask's last version of the round reached the human: earlier ones the orchestrator sent back
// (revised) keep their own diffs, and attempts not chosen never reached the worktree at all.
import type { DiffFile } from '../../protocol/types.js';
import type { DiffRow } from './store-reader.js';
import { normalizePath } from './task-outcome.js';

/** The diffs whose reviews judge a version, and the files of them that count (null: all). */
export interface ReviewedWork { diffIds: number[]; paths: Set<string> | null }

export interface WorkerReviewFacts {
  diffs: DiffRow[];
  /** Subtasks that were attempts not chosen: their diffs were made in scratch worktrees. */
  unchosenAttempts: Set<string>;
  /** Whether the human reviewed this diff (a store may hold reviews of a subtask's own diff). */
  reviewed: (diffId: number) => boolean;
}

export function reviewedWorkOf(subtaskId: string, versionDiffIds: number[], facts: WorkerReviewFacts): ReviewedWork {
  const own = { diffIds: versionDiffIds, paths: null };
  if (!versionDiffIds.length || versionDiffIds.some(facts.reviewed) || facts.unchosenAttempts.has(subtaskId)) return own;
  const diffsOfSubtask = facts.diffs.filter((d) => d.subtask_id === subtaskId);
  const last = diffsOfSubtask.at(-1)!;
  if (!versionDiffIds.includes(last.id)) return own; // sent back by the orchestrator: judged as today
  const roundDiff = facts.diffs.filter((d) => d.round === last.round && d.subtask_id === null && d.id > last.id).at(-1);
  if (!roundDiff) return own;
  // The worktree as the subtask found it: the diff before its first one, of any round (a rejected
  // round's work stays in the worktree for the next), never an attempt made in a scratch worktree.
  const before = facts.diffs.filter((d) => d.id < diffsOfSubtask[0]!.id && d.subtask_id !== subtaskId
    && !(d.subtask_id !== null && facts.unchosenAttempts.has(d.subtask_id))).at(-1);
  return { diffIds: [roundDiff.id], paths: changedPaths(before ?? null, last) };
}

/**
 * The files a subtask changed: those whose entry in the worktree's diff after it differs from the
 * one before it (both diffs are against the round's base, so earlier subtasks' files are in both).
 */
export function changedPaths(before: DiffRow | null, after: DiffRow): Set<string> {
  const entries = (diff: DiffRow | null) => new Map((diff ? JSON.parse(diff.files_json) as DiffFile[] : [])
    .map((f) => [normalizePath(f.path), JSON.stringify(f)]));
  const old = entries(before);
  const now = entries(after);
  const changed = new Set<string>();
  for (const [path, entry] of now) if (old.get(path) !== entry) changed.add(path);
  for (const path of old.keys()) if (!now.has(path)) changed.add(path); // a change the subtask undid
  return changed;
}

// The human's side of a trajectory: per-file verdicts (and per-hunk decisions) and what reached the
// user's tree. An approval or a rejection is recorded in one transaction with the task's new state.
import type { HunkDecision } from '../protocol/review-hunks.js';
import type { FileReview, TaskState } from '../protocol/types.js';
import type { Store } from './open-store.js';

export interface AppliedChange {
  taskId: string;
  diffId: number;
  /** `git patch-id --stable` of exactly what was applied: what the signal scan looks for. */
  patchId: string;
  unifiedDiff: string;
  /** The commit made on approval, when the user asked for one. */
  commitSha: string | null;
}

/** One verdict of a review: a file, with what became of each of its hunks when it was approved. */
export interface RecordedReview {
  review: FileReview;
  hunks?: HunkDecision[];
}

export interface ReviewOutcome {
  taskId: string;
  diffId: number;
  reviews: RecordedReview[];
  applied?: Omit<AppliedChange, 'taskId' | 'diffId'>;
  /** The files of the diff under review: once each has a verdict the task is settled. null: never (the task goes on). */
  diffPaths: string[] | null;
}

export class ReviewRecorder {
  // Prepared once, not parsed again on every call.
  private readonly insertReview;
  private readonly insertApplied;
  private readonly insertHunk;
  private readonly verdicts;
  private readonly settle;

  constructor(private readonly store: Store, private readonly now: () => number = Date.now) {
    this.insertReview = store.db.prepare(`INSERT INTO reviews (task_id, diff_id, path, verdict, hunks_json, reason, edited_hash, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    this.insertApplied = store.db.prepare(`INSERT INTO applied_changes (task_id, diff_id, patch_id, diff_hash, commit_sha, created_at)
      VALUES (?, ?, ?, ?, ?, ?)`);
    this.insertHunk = store.db.prepare('INSERT INTO review_hunks (review_id, hunk_index, decision) VALUES (?, ?, ?)');
    this.verdicts = store.db.prepare('SELECT path, verdict FROM reviews WHERE diff_id = ?');
    this.settle = store.db.prepare(`UPDATE tasks SET state = ?, stop_reason = NULL, updated_at = ?, finished_at = ? WHERE id = ? AND state = 'review'`);
  }

  /**
   * A review's verdicts, what reached the user's tree, and, once every file of the diff has a verdict,
   * the task's final state, in one transaction. Returns that state, or null while files remain.
   */
  recordOutcome(outcome: ReviewOutcome): Extract<TaskState, 'applied' | 'rejected'> | null {
    return this.store.write(() => {
      for (const { review, hunks } of outcome.reviews) {
        const id = this.reviewRow(outcome.taskId, outcome.diffId, review);
        (hunks ?? []).forEach((decision, index) => this.insertHunk.run(id, index, decision));
      }
      if (outcome.applied) this.appliedRow({ ...outcome.applied, taskId: outcome.taskId, diffId: outcome.diffId });
      const verdicts = new Map((this.verdicts.all(outcome.diffId) as { path: string; verdict: string }[]).map((r) => [r.path, r.verdict]));
      if (!outcome.diffPaths?.every((path) => verdicts.has(path))) return null;
      const state = [...verdicts.values()].some((verdict) => verdict !== 'reject') ? 'applied' : 'rejected';
      const at = this.now();
      this.settle.run(state, at, at, outcome.taskId);
      return state;
    });
  }

  /** One file's verdict; returns the review id. An edited approval must carry the user's version. */
  recordReview(taskId: string, diffId: number, review: FileReview): number {
    return this.store.write(() => this.reviewRow(taskId, diffId, review));
  }

  /** Returns the applied change's id. */
  recordApplied(change: AppliedChange): number {
    return this.store.write(() => this.appliedRow(change));
  }

  private reviewRow(taskId: string, diffId: number, review: FileReview): number {
    if (review.verdict === 'approve_with_edits' && review.editedContent === undefined) {
      throw new Error(`The review of ${review.path} is approve_with_edits but carries no edited content.`);
    }
    const edited = review.editedContent === undefined ? null : this.store.blobs.put(review.editedContent);
    return Number(this.insertReview.run(
      taskId, diffId, review.path, review.verdict, review.hunks === undefined ? null : JSON.stringify(review.hunks),
      review.reason ?? null, edited, this.now(),
    ).lastInsertRowid);
  }

  private appliedRow(change: AppliedChange): number {
    return Number(this.insertApplied.run(
      change.taskId, change.diffId, change.patchId, this.store.blobs.put(change.unifiedDiff), change.commitSha, this.now(),
    ).lastInsertRowid);
  }
}

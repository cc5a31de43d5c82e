// The human's side of a trajectory: per-file verdicts and what reached the user's tree.
import type { FileReview } from '../protocol/types.js';
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

export class ReviewRecorder {
  // Prepared once, not parsed again on every call.
  private readonly insertReview;
  private readonly insertApplied;

  constructor(private readonly store: Store, private readonly now: () => number = Date.now) {
    this.insertReview = store.db.prepare(`INSERT INTO reviews (task_id, diff_id, path, verdict, hunks_json, reason, edited_hash, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    this.insertApplied = store.db.prepare(`INSERT INTO applied_changes (task_id, diff_id, patch_id, diff_hash, commit_sha, created_at)
      VALUES (?, ?, ?, ?, ?, ?)`);
  }

  /** One file's verdict; returns the review id. An edited approval must carry the user's version. */
  recordReview(taskId: string, diffId: number, review: FileReview): number {
    if (review.verdict === 'approve_with_edits' && review.editedContent === undefined) {
      throw new Error(`The review of ${review.path} is approve_with_edits but carries no edited content.`);
    }
    const { blobs } = this.store;
    return this.store.write(() => {
      const edited = review.editedContent === undefined ? null : blobs.put(review.editedContent);
      return Number(this.insertReview.run(
        taskId, diffId, review.path, review.verdict, review.hunks === undefined ? null : JSON.stringify(review.hunks),
        review.reason ?? null, edited, this.now(),
      ).lastInsertRowid);
    });
  }

  /** Returns the applied change's id. */
  recordApplied(change: AppliedChange): number {
    const { blobs } = this.store;
    return this.store.write(() => Number(this.insertApplied.run(
      change.taskId, change.diffId, change.patchId, blobs.put(change.unifiedDiff), change.commitSha, this.now(),
    ).lastInsertRowid));
  }
}

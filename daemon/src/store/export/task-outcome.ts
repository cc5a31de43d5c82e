// What happened to a task's work after the model produced it: the human's reviews of its diffs,
// the changes applied, and the merged/reverted signals found later. Turns them into labels.
import type { HunkDecision } from '../../protocol/review-hunks.js';
import type { HunkReview } from './kept-hunks.js';
import type { AppliedRow, DiffRow, ReviewRow, SignalRow } from './store-reader.js';
import type { FileVerdict, Label, Provenance } from './trajectory.js';
import { reviewedWorkOf, type ReviewedWork, type WorkerReviewFacts } from './worker-review.js';

export interface Verdict {
  label: Label;
  review: Provenance['review'];
  signal: Provenance['signal'];
  appliedCommit: string | null;
  /** The user's version of each file they edited before approving: path -> blob hash. */
  edits: Map<string, string>;
  /** Approved files whose hunks were decided one by one (review_hunks). */
  hunkReviews: HunkReview[];
}

export class TaskOutcome {
  /** The latest review of each (diff, path): a file reviewed twice keeps its last verdict. */
  private readonly reviews = new Map<string, ReviewRow>();
  private reviewFacts: WorkerReviewFacts | undefined;

  constructor(
    readonly diffs: DiffRow[],
    reviews: ReviewRow[],
    private readonly applied: AppliedRow[],
    private readonly signals: SignalRow[],
  ) {
    for (const review of reviews) this.reviews.set(`${review.diff_id}\0${review.path}`, review);
  }

  /** The review that judges a worker version of a subtask (worker-review.ts). */
  reviewedWork(subtaskId: string, versionDiffIds: number[]): ReviewedWork {
    this.reviewFacts ??= (() => {
      const reviewed = new Set([...this.reviews.values()].map((r) => r.diff_id));
      const unchosenAttempts = new Set(this.diffs.filter((d) => d.unchosen_attempt && d.subtask_id).map((d) => d.subtask_id!));
      return { diffs: this.diffs, unchosenAttempts, reviewed: (id: number) => reviewed.has(id) };
    })();
    return reviewedWorkOf(subtaskId, versionDiffIds, this.reviewFacts);
  }

  diffsOfSubtask(subtaskId: string): DiffRow[] {
    return this.diffs.filter((d) => d.subtask_id === subtaskId);
  }

  /** A round's diffs; `unlinkedOnly` keeps those not tied to one subtask (the whole round's diff). */
  diffsOfRound(round: number, unlinkedOnly: boolean): DiffRow[] {
    return this.diffs.filter((d) => d.round === round && (!unlinkedOnly || d.subtask_id === null));
  }

  /** The last diff of each subtask in a round (and the last unlinked one): what the round ended with. */
  finalDiffsOfRound(round: number): DiffRow[] {
    const last = new Map<string | null, DiffRow>();
    for (const diff of this.diffsOfRound(round, false)) last.set(diff.subtask_id, diff);
    return [...last.values()];
  }

  /** The verdict on these diffs; with `paths`, on those files of them only (a worker's part of the round's diff). */
  verdict(diffIds: number[], paths: Set<string> | null = null): Verdict {
    const ids = new Set(diffIds);
    const none: Verdict = { label: 'unreviewed', review: null, signal: null, appliedCommit: null, edits: new Map(), hunkReviews: [] };
    // Work that produced no reviewed diff has no verdict, whatever happened to the rest of the task.
    if (!ids.size) return none;
    const files: FileVerdict[] = [];
    const edits = new Map<string, string>();
    const hunkReviews: HunkReview[] = [];
    for (const review of this.reviews.values()) {
      if (!ids.has(review.diff_id) || (paths && !paths.has(normalizePath(review.path)))) continue;
      const hunks = JSON.parse(review.hunks ?? '[]') as HunkDecision[];
      files.push({ path: review.path, verdict: review.verdict, reason: review.reason, ...(hunks.length ? { hunks } : {}) });
      if (review.verdict === 'approve_with_edits' && review.edited_hash) edits.set(normalizePath(review.path), review.edited_hash);
      if (review.verdict !== 'reject' && hunks.length) hunkReviews.push({ diffId: review.diff_id, path: normalizePath(review.path), decisions: hunks });
    }
    // None of the work's files reached the human: the round's signals are about other work.
    if (paths && !files.length) return none;
    const applied = this.applied.filter((a) => ids.has(a.diff_id));
    const appliedIds = new Set(applied.map((a) => a.id));
    // Signals tied to these diffs' applied changes, or to the task as a whole (a Tandem-Task trailer).
    const signal = [...this.signals].reverse().find((s) => s.applied_id === null || appliedIds.has(s.applied_id)) ?? null;
    const outcome = reviewOutcome(files);
    return {
      label: labelOf(outcome, signal),
      review: files.length ? { outcome, edited: files.some((f) => f.verdict === 'approve_with_edits'), files } : null,
      signal: signal && {
        kind: signal.kind as 'merged' | 'reverted', source: signal.source, commit_sha: signal.commit_sha,
        at: new Date(signal.created_at).toISOString(),
      },
      appliedCommit: applied.at(-1)?.commit_sha ?? null,
      edits,
      hunkReviews,
    };
  }
}

function reviewOutcome(files: FileVerdict[]): Label {
  if (!files.length) return 'unreviewed';
  const approved = files.filter((f) => f.verdict !== 'reject').length;
  if (approved === files.length) return 'approved';
  return approved === 0 ? 'rejected' : 'partial';
}

function labelOf(outcome: Label, signal: SignalRow | null): Label {
  if (outcome === 'rejected' || outcome === 'partial') return outcome;
  // A change only lands after approval, so a signal also labels work whose review rows are missing.
  if (signal) return signal.kind === 'reverted' ? 'reverted' : 'merged';
  return outcome;
}

export function normalizePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

/** Whether a label clears `--min-signal`: approved work, or only work whose change landed. */
export function meetsMinSignal(label: Label, minSignal: 'approved' | 'merged'): boolean {
  return minSignal === 'merged' ? label === 'merged' : label === 'approved' || label === 'merged';
}

export function isNegative(label: Label): boolean {
  return label === 'rejected' || label === 'reverted';
}

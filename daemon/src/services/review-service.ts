// The human's verdict: approved files (or hunks, or the user's edited version) are applied to the user's
// tree and recorded; a rejection is recorded with its reason and, when asked, starts the next round.
import { ResponseError } from 'vscode-jsonrpc';
import type { TandemPaths } from '../paths.js';
import { ErrorCodes } from '../protocol/errors.js';
import type { ApplyResult, FileReview, TaskDiff, TaskSummary } from '../protocol/types.js';
import type { TaskEventPublisher } from '../server/task-event-hub.js';
import type { Store } from '../store/open-store.js';
import type { ReviewRecorder } from '../store/review-recorder.js';
import { getTask, latestDiff, taskReviews } from '../store/task-queries.js';
import { applyApproved } from '../workspace/apply-approved.js';
import { rejectTaskWorktree } from '../workspace/reject-round.js';
import type { TaskService } from './task-service.js';

export interface ReviewServiceDeps {
  store: Store;
  reviews: ReviewRecorder;
  tasks: TaskService;
  paths: TandemPaths;
  events: TaskEventPublisher;
}

export class ReviewService {
  constructor(private readonly deps: ReviewServiceDeps) {}

  async original(taskId: string, path: string): Promise<{ content: string | null }> {
    const content = await (await this.deps.tasks.worktreeOf(taskId)).original(path);
    return { content: content === null ? null : content.toString('utf8') };
  }

  async approve(params: { taskId: string; files: FileReview[]; commit?: boolean }): Promise<ApplyResult> {
    const diff = this.diffUnderReview(params.taskId);
    const files = params.files.map((file) => ({ ...file, verdict: file.editedContent === undefined ? file.verdict : 'approve_with_edits' } as FileReview));
    const unknown = files.filter((file) => !diff.files.some((f) => f.path === file.path) || file.verdict === 'reject');
    if (unknown.length) throw new ResponseError(-32602, `Not approvable in this diff: ${unknown.map((f) => f.path).join(', ')}.`);
    const worktree = await this.deps.tasks.worktreeOf(params.taskId);
    const outcome = await applyApproved(worktree, files, { commit: params.commit ?? false, expectedPatchId: diff.patchId });
    const applied = new Set(outcome.result.applied);
    for (const file of files) if (applied.has(file.path)) this.deps.reviews.recordReview(params.taskId, diff.id, file);
    if (applied.size > 0) {
      this.deps.reviews.recordApplied({
        taskId: params.taskId, diffId: diff.id, patchId: outcome.applied.patchId, unifiedDiff: outcome.applied.unified, commitSha: outcome.result.commit,
      });
    }
    await this.settleIfReviewed(params.taskId, diff);
    return outcome.result;
  }

  async reject(params: { taskId: string; reason: string; files?: string[]; retry: boolean }, clientId: string): Promise<TaskSummary> {
    if (typeof params.reason !== 'string' || params.reason.trim() === '') {
      throw new ResponseError(-32602, 'A rejection needs a reason: the agents learn from it, and so does the next adapter.');
    }
    const diff = this.diffUnderReview(params.taskId);
    const paths = params.files?.length ? params.files : diff.files.map((file) => file.path);
    for (const path of paths) this.deps.reviews.recordReview(params.taskId, diff.id, { path, verdict: 'reject', reason: params.reason });
    if (params.retry) {
      await rejectTaskWorktree(await this.deps.tasks.worktreeOf(params.taskId), { retry: true, worktreesDir: this.deps.paths.worktrees, files: params.files });
      await this.deps.tasks.retry(params.taskId, params.reason, clientId);
    } else {
      await this.settleIfReviewed(params.taskId, diff);
    }
    return this.deps.tasks.summary(params.taskId);
  }

  private diffUnderReview(taskId: string): TaskDiff & { id: number } {
    const task = getTask(this.deps.store, taskId);
    if (!task) throw new ResponseError(ErrorCodes.NotFound, `No task ${taskId}.`);
    const diff = latestDiff(this.deps.store, taskId);
    if (task.state !== 'review' || !diff) {
      throw new ResponseError(ErrorCodes.InvalidState, `Task ${taskId} is ${task.state}, not waiting for review.`);
    }
    return diff;
  }

  /** Once every file of the diff has a verdict, the task is applied (something approved) or rejected. */
  private async settleIfReviewed(taskId: string, diff: TaskDiff & { id: number }): Promise<void> {
    const verdicts = new Map(taskReviews(this.deps.store, taskId).filter((r) => r.diffId === diff.id).map((r) => [r.path, r.verdict]));
    if (!diff.files.every((file) => verdicts.has(file.path))) return;
    await this.deps.tasks.settle(taskId, [...verdicts.values()].some((verdict) => verdict !== 'reject') ? 'applied' : 'rejected');
  }
}

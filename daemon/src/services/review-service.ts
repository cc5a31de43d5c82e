// The human's verdict: approved files (or hunks, or the user's edited version) are applied to the user's
// tree and recorded; a rejection is recorded with its reason and, when asked, starts the next round.
// The daemon decides whether the user edited a file before approving: it compares the worktree with
// the round's frozen agent version, so a client sends only which files (or hunks) it approves.
import { ResponseError } from 'vscode-jsonrpc';
import type { TandemPaths } from '../paths.js';
import { ErrorCodes } from '../protocol/errors.js';
import type { HunkState } from '../protocol/review-hunks.js';
import type { ApplyResult, FileReview, TaskDiff, TaskSummary } from '../protocol/types.js';
import type { TaskEventPublisher } from '../server/task-event-hub.js';
import type { Store } from '../store/open-store.js';
import type { ReviewRecorder } from '../store/review-recorder.js';
import { latestDiff, taskState } from '../store/task-queries.js';
import { applyApproved } from '../workspace/apply-approved.js';
import { rejectTaskWorktree } from '../workspace/reject-round.js';
import { splitFileSections } from '../workspace/unified-diff.js';
import { dropHunk, worktreeHunks, type FileUnderReview } from '../workspace/worktree-hunks.js';
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
    const unknown = params.files.filter((file) => !diff.files.some((f) => f.path === file.path) || file.verdict === 'reject');
    if (unknown.length) throw new ResponseError(-32602, `Not approvable in this diff: ${unknown.map((f) => f.path).join(', ')}.`);
    const worktree = await this.deps.tasks.worktreeOf(params.taskId);
    const outcome = await applyApproved(worktree, params.files, {
      commit: params.commit ?? false, ...(diff.agentCommit ? { agentCommit: diff.agentCommit } : {}),
    });
    const settled = this.deps.reviews.recordOutcome({
      taskId: params.taskId,
      diffId: diff.id,
      reviews: outcome.reviews,
      ...(outcome.reviews.length > 0 ? {
        applied: { patchId: outcome.applied.patchId, unifiedDiff: outcome.applied.unified, commitSha: outcome.result.commit },
      } : {}),
      diffPaths: diff.files.map((file) => file.path),
    });
    if (settled) await this.deps.tasks.settled(params.taskId, settled);
    return outcome.result;
  }

  async reject(params: { taskId: string; reason: string; files?: string[]; retry: boolean }, clientId: string): Promise<TaskSummary> {
    if (typeof params.reason !== 'string' || params.reason.trim() === '') {
      throw new ResponseError(-32602, 'A rejection needs a reason: the agents learn from it, and so does the next adapter.');
    }
    const diff = this.diffUnderReview(params.taskId);
    const paths = params.files?.length ? params.files : diff.files.map((file) => file.path);
    const reviews = paths.map((path) => ({ review: { path, verdict: 'reject' as const, reason: params.reason } }));
    if (params.retry) {
      // The task goes on to its next round: recorded without settling it.
      this.deps.reviews.recordOutcome({ taskId: params.taskId, diffId: diff.id, reviews, diffPaths: null });
      await rejectTaskWorktree(await this.deps.tasks.worktreeOf(params.taskId), { retry: true, worktreesDir: this.deps.paths.worktrees, files: params.files });
      await this.deps.tasks.retry(params.taskId, params.reason, clientId);
    } else {
      const settled = this.deps.reviews.recordOutcome({ taskId: params.taskId, diffId: diff.id, reviews, diffPaths: diff.files.map((file) => file.path) });
      if (settled) await this.deps.tasks.settled(params.taskId, settled);
    }
    return this.deps.tasks.summary(params.taskId);
  }

  hunks(params: { taskId: string; path: string }): Promise<HunkState[]> {
    return this.fileUnderReview(params.taskId, params.path).then(worktreeHunks);
  }

  async dropHunk(params: { taskId: string; path: string; index: number }): Promise<HunkState[]> {
    const outcome = await dropHunk(await this.fileUnderReview(params.taskId, params.path), params.index);
    if ('error' in outcome) throw new ResponseError(ErrorCodes.InvalidState, `Cannot drop it: ${outcome.error}.`);
    return outcome;
  }

  private async fileUnderReview(taskId: string, path: string): Promise<FileUnderReview> {
    const diff = this.diffUnderReview(taskId);
    const index = diff.files.findIndex((file) => file.path === path);
    const file = diff.files[index];
    if (!file) throw new ResponseError(-32602, `Task ${taskId} has no change to ${path} under review.`);
    if (file.binary) throw new ResponseError(-32602, `${path} is binary: it has no hunks to choose from.`);
    const worktree = await this.deps.tasks.worktreeOf(taskId);
    return {
      root: worktree.root, path, base: await worktree.original(file.oldPath ?? path), agentHunks: splitFileSections(diff.unified)[index]?.hunks ?? [],
    };
  }

  /** The latest diff of a task waiting for review, read without the task's steps. */
  private diffUnderReview(taskId: string): TaskDiff & { id: number } {
    const state = taskState(this.deps.store, taskId);
    if (!state) throw new ResponseError(ErrorCodes.NotFound, `No task ${taskId}.`);
    const diff = latestDiff(this.deps.store, taskId);
    if (state !== 'review' || !diff) {
      throw new ResponseError(ErrorCodes.InvalidState, `Task ${taskId} is ${state}, not waiting for review.`);
    }
    return diff;
  }
}

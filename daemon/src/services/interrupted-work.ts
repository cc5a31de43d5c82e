// What a daemon that died mid-task left in the task's worktree. A round that stops with changes goes
// to review whatever stopped it (see agents/task-runner.ts): an interruption is such a stop, so on the
// next start its changes are recorded as the round's diff and offered for review, stop reason
// 'interrupted'. A worktree with no changes holds nothing to keep and is removed.
import { existsSync } from 'node:fs';
import type { TrajectoryRecorder } from '../agents/ports.js';
import type { Store } from '../store/open-store.js';
import { openTaskWorktree, taskWorktreePath } from '../workspace/task-worktree.js';
import { removeTaskWorktree } from '../workspace/worktree-cleanup.js';

export interface InterruptedWork {
  /** Tasks whose changes now wait for review. */
  toReview: string[];
  /** Tasks whose worktree held no changes and was removed. */
  removed: string[];
  /** Tasks whose worktree could not be read or removed, with why; left as they were. */
  failed: { taskId: string; message: string }[];
}

interface InterruptedTask { id: string; round: number; base_commit: string; repo_path: string; last_step: number | null }

export async function recoverInterruptedWork(options: {
  store: Store;
  recorder: TrajectoryRecorder;
  worktreesDir: string;
}): Promise<InterruptedWork> {
  const { store, recorder, worktreesDir } = options;
  const tasks = store.db.prepare(`SELECT t.id, t.round, t.base_commit, r.path AS repo_path,
      (SELECT MAX(s.id) FROM steps s WHERE s.task_id = t.id) AS last_step
    FROM tasks t JOIN repos r ON r.id = t.repo_id WHERE t.state = 'interrupted'`).all() as InterruptedTask[];
  const work: InterruptedWork = { toReview: [], removed: [], failed: [] };
  for (const task of tasks) {
    if (!existsSync(taskWorktreePath(worktreesDir, task.id))) continue;
    try {
      const worktree = await openTaskWorktree({ repoPath: task.repo_path, taskId: task.id, worktreesDir, baseCommit: task.base_commit });
      const diff = await worktree.diff(task.round);
      if (diff.files.length > 0) {
        recorder.recordDiff(diff, { subtaskId: null, stepId: task.last_step });
        recorder.setTaskState(task.id, 'review', 'interrupted');
        work.toReview.push(task.id);
      } else {
        await removeTaskWorktree({ repoPath: task.repo_path, taskId: task.id, worktreesDir });
        work.removed.push(task.id);
      }
    } catch (error) {
      work.failed.push({ taskId: task.id, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return work;
}

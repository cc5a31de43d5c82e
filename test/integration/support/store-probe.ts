// Reads back what a task recorded in the real SQLite store, for the agent scenarios and the fuzz:
// plain SELECTs over tasks, rounds, subtasks and diffs, and the store's own readers (getTask,
// stepMessages) for steps, so what is checked is what the daemon and the exporter would read.
import type { RecordProbe, ProbeStep } from '../../agents/harness.js';
import type { Store } from '../../../daemon/src/store/open-store.js';
import { getTask, stepMessages } from '../../../daemon/src/store/task-queries.js';
import type { StopReason, SubtaskRecord, TaskState } from '../../../daemon/src/protocol/types.js';

export class StoreProbe implements RecordProbe {
  constructor(private readonly store: Store) {}

  task(taskId: string): ReturnType<RecordProbe['task']> {
    const row = this.store.db.prepare('SELECT state, stop_reason, prompt_version FROM tasks WHERE id = ?').get(taskId) as
      { state: TaskState; stop_reason: StopReason | null; prompt_version: string } | undefined;
    return row ? { state: row.state, stopReason: row.stop_reason, promptVersion: row.prompt_version } : null;
  }

  rounds(taskId: string): { round: number; feedback: string | null }[] {
    return this.store.db.prepare('SELECT round, feedback FROM rounds WHERE task_id = ? ORDER BY round').all(taskId) as
      { round: number; feedback: string | null }[];
  }

  subtasks(taskId: string): ReturnType<RecordProbe['subtasks']> {
    const rows = this.store.db.prepare('SELECT id, round, outcome, stop_reason FROM subtasks WHERE task_id = ? ORDER BY rowid').all(taskId) as
      { id: string; round: number; outcome: SubtaskRecord['outcome']; stop_reason: StopReason | null }[];
    return rows.map((r) => ({ id: r.id, round: r.round, outcome: r.outcome, stopReason: r.stop_reason }));
  }

  steps(taskId: string): ProbeStep[] {
    const detail = getTask(this.store, taskId);
    if (!detail) return [];
    const states = new Map(
      (this.store.db.prepare('SELECT id, state FROM steps WHERE task_id = ?').all(taskId) as { id: number; state: ProbeStep['state'] }[])
        .map((r) => [r.id, r.state]),
    );
    return detail.steps.map((step) => ({
      id: step.id,
      role: step.role,
      round: step.round,
      subtaskId: step.subtaskId,
      promptVersion: step.promptVersion,
      messages: stepMessages(this.store, step.id) ?? [],
      action: step.action,
      state: states.get(step.id)!,
      toolCalls: step.toolCalls,
    }));
  }

  diffs(taskId: string): ReturnType<RecordProbe['diffs']> {
    const rows = this.store.db.prepare('SELECT subtask_id, step_id, patch_id, diff_hash FROM diffs WHERE task_id = ? ORDER BY id').all(taskId) as
      { subtask_id: string | null; step_id: number | null; patch_id: string; diff_hash: string }[];
    return rows.map((r) => ({ subtaskId: r.subtask_id, stepId: r.step_id, patchId: r.patch_id, unified: this.store.blobs.get(r.diff_hash) ?? '' }));
  }
}

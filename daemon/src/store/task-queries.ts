// What the daemon and the extension read back: task lists, one task's timeline, its latest diff.
import { resolve } from 'node:path';
import type { ChatTurn } from '../agents/ports.js';
import type {
  AgentAction, DiffFile, FileReview, Role, StepRecord, StopReason, SubtaskRecord, TaskDetail, TaskDiff, TaskState, TaskSummary,
} from '../protocol/types.js';
import type { RoundRecord } from '../protocol/task-rounds.js';
import type { Store } from './open-store.js';

interface TaskRow {
  id: string; prompt: string; path: string; state: TaskState; round: number; stop_reason: StopReason | null;
  branch: string | null; created_at: number; updated_at: number;
}

const TASK_COLUMNS = `t.id, t.prompt, r.path, t.state, t.round, t.stop_reason, t.branch, t.created_at, t.updated_at
  FROM tasks t JOIN repos r ON r.id = t.repo_id`;

/** Newest first. worktreePath is null here: the workspace knows it while the task is live. */
export function listTasks(store: Store, options: { limit?: number; repoPath?: string } = {}): TaskSummary[] {
  const limit = Math.max(1, Math.min(options.limit ?? 50, 1000));
  const rows = options.repoPath === undefined
    ? store.db.prepare(`SELECT ${TASK_COLUMNS} ORDER BY t.created_at DESC, t.rowid DESC LIMIT ?`).all(limit)
    : store.db.prepare(`SELECT ${TASK_COLUMNS} WHERE r.path = ? ORDER BY t.created_at DESC, t.rowid DESC LIMIT ?`)
      .all(resolve(options.repoPath), limit);
  return (rows as TaskRow[]).map(toSummary);
}

export function getTask(store: Store, taskId: string): (TaskDetail & { rounds: RoundRecord[] }) | null {
  const row = store.db.prepare(`SELECT ${TASK_COLUMNS} WHERE t.id = ?`).get(taskId) as TaskRow | undefined;
  if (!row) return null;
  return {
    ...toSummary(row), subtasks: taskSubtasks(store, taskId), steps: taskSteps(store, taskId), diff: latestDiff(store, taskId),
    rounds: taskRounds(store, taskId),
  };
}

function taskRounds(store: Store, taskId: string): RoundRecord[] {
  const rows = store.db.prepare('SELECT round, feedback, started_at FROM rounds WHERE task_id = ? ORDER BY round')
    .all(taskId) as { round: number; feedback: string | null; started_at: number }[];
  return rows.map((r) => ({ round: r.round, feedback: r.feedback, startedAt: iso(r.started_at) }));
}

export function latestDiff(store: Store, taskId: string): (TaskDiff & { id: number }) | null {
  const row = store.db.prepare(`SELECT id, task_id, round, base_commit, patch_id, files_json, diff_hash, agent_commit FROM diffs
    WHERE task_id = ? ORDER BY id DESC LIMIT 1`).get(taskId) as
    { id: number; task_id: string; round: number; base_commit: string; patch_id: string; files_json: string; diff_hash: string;
      agent_commit: string | null } | undefined;
  if (!row) return null;
  return {
    id: row.id, taskId: row.task_id, round: row.round, baseCommit: row.base_commit, patchId: row.patch_id,
    files: JSON.parse(row.files_json) as DiffFile[], unified: store.blobs.get(row.diff_hash) ?? '',
    ...(row.agent_commit === null ? {} : { agentCommit: row.agent_commit }),
  };
}

/** The critic and attempts switches the task started with; null for a task recorded before they were stored. */
export function taskAgentOptions(store: Store, taskId: string): { critic: boolean; attempts: number } | null {
  const row = store.db.prepare('SELECT critic, attempts FROM tasks WHERE id = ?').get(taskId) as
    { critic: number | null; attempts: number | null } | undefined;
  return row && row.critic !== null && row.attempts !== null ? { critic: row.critic === 1, attempts: row.attempts } : null;
}

/** A task's state alone: what a review needs to know, without reading its steps. */
export function taskState(store: Store, taskId: string): TaskState | null {
  return (store.db.prepare('SELECT state FROM tasks WHERE id = ?').pluck().get(taskId) as TaskState | undefined) ?? null;
}

/** The exact chat turns a step was generated from, in order. */
export function stepMessages(store: Store, stepId: number): ChatTurn[] | null {
  const json = store.db.prepare('SELECT messages_json FROM steps WHERE id = ?').pluck().get(stepId) as string | undefined;
  if (json === undefined) return null;
  return (JSON.parse(json) as string[]).map((ref) => {
    const turn = store.blobs.getTurn(ref);
    if (!turn) throw new Error(`Step ${stepId} refers to a chat turn that cannot be read (${ref}); the database is damaged.`);
    return turn;
  });
}

export interface StoredReview extends FileReview {
  id: number;
  diffId: number;
  createdAt: string;
}

export function taskReviews(store: Store, taskId: string): StoredReview[] {
  const rows = store.db.prepare(`SELECT id, diff_id, path, verdict, hunks_json, reason, edited_hash, created_at FROM reviews
    WHERE task_id = ? ORDER BY id`).all(taskId) as
    { id: number; diff_id: number; path: string; verdict: FileReview['verdict']; hunks_json: string | null; reason: string | null;
      edited_hash: string | null; created_at: number }[];
  return rows.map((r) => ({
    id: r.id, diffId: r.diff_id, path: r.path, verdict: r.verdict, createdAt: iso(r.created_at),
    ...(r.hunks_json === null ? {} : { hunks: JSON.parse(r.hunks_json) as number[] }),
    ...(r.reason === null ? {} : { reason: r.reason }),
    ...(r.edited_hash === null ? {} : { editedContent: store.blobs.get(r.edited_hash) ?? '' }),
  }));
}

function taskSubtasks(store: Store, taskId: string): SubtaskRecord[] {
  const rows = store.db.prepare(`SELECT id, task_id, round, instruction, files_json, outcome, stop_reason FROM subtasks
    WHERE task_id = ? ORDER BY round, seq`).all(taskId) as
    { id: string; task_id: string; round: number; instruction: string; files_json: string; outcome: SubtaskRecord['outcome'];
      stop_reason: StopReason | null }[];
  return rows.map((r) => ({
    id: r.id, taskId: r.task_id, round: r.round, instruction: r.instruction, files: JSON.parse(r.files_json) as string[],
    outcome: r.outcome, stopReason: r.stop_reason,
  }));
}

interface StepRow {
  id: number; task_id: string; subtask_id: string | null; round: number; role: Role; adapter_version: number | null;
  adapter_sha: string | null; prompt_version: string; output_hash: string; action_json: string | null; tokens_in: number;
  tokens_out: number; tokens_reused: number; latency_ms: number; stop_reason: string; created_at: number;
}

function taskSteps(store: Store, taskId: string): StepRecord[] {
  const steps = store.db.prepare('SELECT * FROM steps WHERE task_id = ? ORDER BY id').all(taskId) as StepRow[];
  const calls = store.db.prepare(`SELECT c.step_id, c.tool, c.args_json, c.ok, c.result_hash, c.duration_ms FROM tool_calls c
    JOIN steps s ON s.id = c.step_id WHERE s.task_id = ? ORDER BY c.id`).all(taskId) as
    { step_id: number; tool: string; args_json: string; ok: number; result_hash: string; duration_ms: number }[];
  const byStep = new Map<number, StepRecord['toolCalls']>();
  for (const c of calls) {
    const list = byStep.get(c.step_id) ?? [];
    list.push({ tool: c.tool, args: JSON.parse(c.args_json), ok: c.ok === 1, result: store.blobs.get(c.result_hash) ?? '', durationMs: c.duration_ms });
    byStep.set(c.step_id, list);
  }
  return steps.map((s) => ({
    id: s.id, taskId: s.task_id, subtaskId: s.subtask_id, round: s.round, role: s.role,
    adapter: { role: s.role, version: s.adapter_version, sha256: s.adapter_sha }, promptVersion: s.prompt_version,
    action: s.action_json === null ? null : (JSON.parse(s.action_json) as AgentAction), output: store.blobs.get(s.output_hash) ?? '',
    tokensIn: s.tokens_in, tokensOut: s.tokens_out, tokensReused: s.tokens_reused, latencyMs: s.latency_ms, stopReason: s.stop_reason,
    toolCalls: byStep.get(s.id) ?? [], createdAt: iso(s.created_at),
  }));
}

function toSummary(row: TaskRow): TaskSummary {
  return {
    id: row.id, prompt: row.prompt, repoPath: row.path, state: row.state, round: row.round, stopReason: row.stop_reason,
    branch: row.branch, worktreePath: null, createdAt: iso(row.created_at), updatedAt: iso(row.updated_at),
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

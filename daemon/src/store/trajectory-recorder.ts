// The TrajectoryRecorder over SQLite: every call is one transaction, committed before it returns,
// so a daemon killed at any moment keeps every step it recorded.
import type Database from 'better-sqlite3';
import { resolve } from 'node:path';
import type { AttemptRecord, StepInput, TrajectoryRecorder } from '../agents/ports.js';
import type { StopReason, SubtaskRecord, TaskDiff, TaskState, ToolCallRecord } from '../protocol/types.js';
import type { Store } from './open-store.js';

/** States after which a task does not run again; they stamp finished_at. */
const FINAL_STATES: ReadonlySet<TaskState> = new Set(['applied', 'rejected', 'finished', 'failed', 'cancelled', 'interrupted']);

type Run = Database.Statement<unknown[]>;

export class StoreTrajectoryRecorder implements TrajectoryRecorder {
  private readonly sql: Record<
    'upsertRepo' | 'repoId' | 'insertTask' | 'insertRound' | 'setRound' | 'insertSubtask' | 'finishSubtask' |
      'insertStep' | 'insertToolCall' | 'insertDiff' | 'setState' | 'insertAttempt' | 'insertRoute', Run
  >;

  constructor(private readonly store: Store, private readonly now: () => number = Date.now) {
    const p = (source: string) => store.db.prepare(source) as Run;
    this.sql = {
      upsertRepo: p('INSERT INTO repos (path) VALUES (?) ON CONFLICT (path) DO NOTHING'),
      repoId: p('SELECT id FROM repos WHERE path = ?').pluck(),
      insertTask: p(`INSERT INTO tasks (id, repo_id, prompt, base_commit, branch, state, prompt_version, base_model_sha, critic, attempts, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)`),
      insertRound: p('INSERT OR REPLACE INTO rounds (task_id, round, feedback, started_at) VALUES (?, ?, ?, ?)'),
      setRound: p('UPDATE tasks SET round = ?, updated_at = ? WHERE id = ?'),
      insertSubtask: p(`INSERT INTO subtasks (id, task_id, round, seq, instruction, files_json, outcome, stop_reason, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      finishSubtask: p('UPDATE subtasks SET outcome = ?, stop_reason = ? WHERE id = ?'),
      insertStep: p(`INSERT INTO steps (task_id, subtask_id, round, role, adapter_version, adapter_sha, prompt_version, messages_json,
        output_hash, action_json, tokens_in, tokens_out, tokens_reused, latency_ms, stop_reason, state, created_at, route_clustering, route_cluster)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      insertRoute: p('INSERT OR REPLACE INTO task_clusters (task_id, clustering, cluster, routed) VALUES (?, ?, ?, 1)'),
      insertAttempt: p('INSERT OR REPLACE INTO attempts (subtask_id, group_id, attempt, critic_step_id, score, chosen) VALUES (?, ?, ?, ?, ?, ?)'),
      insertToolCall: p('INSERT INTO tool_calls (step_id, tool, args_json, ok, result_hash, duration_ms) VALUES (?, ?, ?, ?, ?, ?)'),
      insertDiff: p(`INSERT INTO diffs (task_id, subtask_id, step_id, round, base_commit, patch_id, files_json, diff_hash, agent_commit, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      setState: p(`UPDATE tasks SET state = ?, stop_reason = CASE WHEN ? THEN ? ELSE stop_reason END, updated_at = ?,
        finished_at = CASE WHEN ? THEN ? ELSE finished_at END WHERE id = ?`),
    };
  }

  recordAttempt(a: AttemptRecord): void {
    this.store.write(() => this.sql.insertAttempt.run(a.subtaskId, a.groupId, a.attempt, a.criticStepId, a.score, a.chosen ? 1 : 0));
  }

  recordRoute(taskId: string, route: { clustering: number; cluster: number }): void {
    this.store.write(() => this.sql.insertRoute.run(taskId, route.clustering, route.cluster));
  }

  startTask(task: Parameters<TrajectoryRecorder['startTask']>[0]): void {
    const at = this.now();
    const repoPath = resolve(task.repoPath);
    this.store.write(() => {
      this.sql.upsertRepo.run(repoPath);
      const repoId = this.sql.repoId.get(repoPath) as number;
      const options = task.agentOptions;
      this.sql.insertTask.run(task.taskId, repoId, task.prompt, task.baseCommit, task.branch, task.promptVersion, task.baseModelSha,
        options ? Number(options.critic) : null, options?.attempts ?? null, at, at);
    });
  }

  startRound(taskId: string, round: number, feedback: string | null): void {
    const at = this.now();
    this.store.write(() => {
      this.sql.insertRound.run(taskId, round, feedback, at);
      this.sql.setRound.run(round, at, taskId);
    });
  }

  startSubtask(subtask: SubtaskRecord & { seq: number }): void {
    this.store.write(() => this.sql.insertSubtask.run(
      subtask.id, subtask.taskId, subtask.round, subtask.seq, subtask.instruction, JSON.stringify(subtask.files),
      subtask.outcome, subtask.stopReason, this.now(),
    ));
  }

  finishSubtask(subtaskId: string, outcome: NonNullable<SubtaskRecord['outcome']>, stopReason: StopReason | null): void {
    this.store.write(() => expectOne(this.sql.finishSubtask.run(outcome, stopReason, subtaskId), `subtask ${subtaskId}`));
  }

  recordStep(step: StepInput): number {
    const { blobs } = this.store;
    return this.store.write(() => {
      const turns = step.messages.map((turn) => blobs.putTurn(turn));
      const output = blobs.put(step.output);
      return Number(this.sql.insertStep.run(
        step.taskId, step.subtaskId, step.round, step.role, step.adapter.version, step.adapter.sha256, step.promptVersion,
        JSON.stringify(turns), output, step.action === null ? null : JSON.stringify(step.action),
        step.tokensIn, step.tokensOut, step.tokensReused, step.latencyMs, step.stopReason, step.state, this.now(),
        step.route?.clustering ?? null, step.route?.cluster ?? null,
      ).lastInsertRowid);
    });
  }

  recordToolCall(stepId: number, call: ToolCallRecord): void {
    this.store.write(() => this.sql.insertToolCall.run(
      stepId, call.tool, JSON.stringify(call.args ?? null), call.ok ? 1 : 0, this.store.blobs.put(call.result), call.durationMs,
    ));
  }

  recordDiff(diff: TaskDiff, refs: { subtaskId: string | null; stepId: number | null }): number {
    return this.store.write(() => Number(this.sql.insertDiff.run(
      diff.taskId, refs.subtaskId, refs.stepId, diff.round, diff.baseCommit, diff.patchId, JSON.stringify(diff.files),
      this.store.blobs.put(diff.unified), diff.agentCommit ?? null, this.now(),
    ).lastInsertRowid));
  }

  setTaskState(taskId: string, state: TaskState, stopReason?: StopReason | null): void {
    const at = this.now();
    // An omitted stop reason keeps the one recorded; null clears it.
    const setReason = stopReason === undefined ? 0 : 1;
    this.store.write(() => expectOne(
      this.sql.setState.run(state, setReason, stopReason ?? null, at, FINAL_STATES.has(state) ? 1 : 0, at, taskId), `task ${taskId}`,
    ));
  }
}

function expectOne(result: Database.RunResult, what: string): void {
  if (result.changes !== 1) throw new Error(`The store has no ${what}; it must be started before it is updated.`);
}

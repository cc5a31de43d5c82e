// Builds Tandem stores for tests and benchmarks with plain SQL against the real schema, the way the
// schema-version-1 recorder laid them out (the exporter still reads it): chat turns and outputs as
// deduplicated blobs, each step holding the hashes of every turn it was given, each turn a JSON blob.
// Used where the recorder itself is not what is being tested.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import type { ChatTurn } from '../../daemon/src/agents/ports.js';
import type { AgentAction, ReviewVerdict, Role } from '../../daemon/src/protocol/types.js';
import { initialSchema } from '../../daemon/src/store/migrations/001-initial.js';

export const BASE_MODEL_SHA = 'b'.repeat(64);

export class TrajectoryStoreBuilder {
  private clock: number;
  private readonly insert;
  /** A conversation's turns are the same objects from step to step: hash and store each once. */
  private readonly turnHashes = new WeakMap<ChatTurn, string>();

  constructor(readonly db: Database.Database, startMs = Date.UTC(2025, 0, 1)) {
    this.clock = startMs;
    const p = (sql: string) => db.prepare(sql);
    this.insert = {
      blob: p('INSERT OR IGNORE INTO blobs (hash, size, content) VALUES (?, ?, ?)'),
      repo: p('INSERT INTO repos (path, remote, default_branch) VALUES (?, ?, ?)'),
      baseModel: p('INSERT OR IGNORE INTO base_models (sha256, name, source) VALUES (?, ?, ?)'),
      adapter: p('INSERT OR IGNORE INTO adapters (role, version, sha256, base_model_sha, path, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
      task: p(`INSERT INTO tasks (id, repo_id, prompt, base_commit, branch, state, round, prompt_version, base_model_sha, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, 'v1', ?, ?, ?)`),
      round: p('INSERT OR IGNORE INTO rounds (task_id, round, feedback, started_at) VALUES (?, ?, ?, ?)'),
      subtask: p('INSERT INTO subtasks (id, task_id, round, seq, instruction, files_json, outcome, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      step: p(`INSERT INTO steps (task_id, subtask_id, round, role, adapter_version, adapter_sha, prompt_version, messages_json, output_hash,
        action_json, tokens_in, tokens_out, tokens_reused, latency_ms, stop_reason, state, created_at)
        VALUES (?, ?, ?, ?, ?, ?, 'v1', ?, ?, ?, ?, ?, ?, ?, 'stop', ?, ?)`),
      toolCall: p('INSERT INTO tool_calls (step_id, tool, args_json, ok, result_hash, duration_ms) VALUES (?, ?, ?, 1, ?, ?)'),
      diff: p(`INSERT INTO diffs (task_id, subtask_id, step_id, round, base_commit, patch_id, files_json, diff_hash, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      review: p('INSERT INTO reviews (task_id, diff_id, path, verdict, reason, edited_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      applied: p('INSERT INTO applied_changes (task_id, diff_id, patch_id, diff_hash, commit_sha, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
      signal: p('INSERT INTO signals (task_id, applied_id, kind, source, commit_sha, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
    };
  }

  /** A new store file with the schema applied. */
  static create(path: string): TrajectoryStoreBuilder {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.exec(initialSchema);
    return new TrajectoryStoreBuilder(db);
  }

  now(): number {
    return (this.clock += 1000);
  }

  blob(content: string): string {
    const hash = createHash('sha256').update(content).digest('hex');
    this.insert.blob.run(hash, Buffer.byteLength(content), content);
    return hash;
  }

  repo(path: string, remote: string | null = null): number {
    return Number(this.insert.repo.run(path, remote, 'main').lastInsertRowid);
  }

  task(spec: { id: string; repoId: number; prompt: string; createdAt?: number; baseCommit?: string }): string {
    this.insert.baseModel.run(BASE_MODEL_SHA, 'tiny-base', 'hf:example/tiny');
    const at = spec.createdAt ?? this.now();
    this.clock = Math.max(this.clock, at);
    this.insert.task.run(spec.id, spec.repoId, spec.prompt, spec.baseCommit ?? 'c'.repeat(40), `tandem/${spec.id}`, 'review', 0, BASE_MODEL_SHA, at, at);
    this.insert.round.run(spec.id, 0, null, at);
    return spec.id;
  }

  subtask(spec: { id: string; taskId: string; round: number; seq: number; instruction: string; files: string[] }): string {
    this.insert.subtask.run(spec.id, spec.taskId, spec.round, spec.seq, spec.instruction, JSON.stringify(spec.files), null, this.now());
    return spec.id;
  }

  conversation(spec: { taskId: string; subtaskId: string | null; round: number; role: Role; adapterVersion?: number | null; turns: ChatTurn[] }): Conversation {
    const version = spec.adapterVersion === undefined ? 1 : spec.adapterVersion;
    if (version !== null) this.insert.adapter.run(spec.role, version, 'a'.repeat(63) + version, BASE_MODEL_SHA, null, this.now());
    return new Conversation(this, spec.taskId, spec.subtaskId, spec.round, spec.role, version, [...spec.turns]);
  }

  /** Used by Conversation: one model call, given `turns`, that produced `action`. */
  recordStep(c: Conversation, turns: ChatTurn[], action: AgentAction, state: 'done' | 'error' = 'done'): number {
    const hashes = turns.map((t) => {
      let hash = this.turnHashes.get(t);
      if (!hash) this.turnHashes.set(t, (hash = this.blob(JSON.stringify(t))));
      return hash;
    });
    const output = JSON.stringify(action);
    return Number(this.insert.step.run(
      c.taskId, c.subtaskId, c.round, c.role, c.adapterVersion, c.adapterVersion === null ? null : 'a'.repeat(63) + c.adapterVersion,
      JSON.stringify(hashes), this.blob(output), state === 'done' ? output : null,
      hashes.length * 120, output.length / 3 | 0, hashes.length * 100, 850.5, state, this.now(),
    ).lastInsertRowid);
  }

  recordToolCall(stepId: number, action: AgentAction, result: string): void {
    this.insert.toolCall.run(stepId, action.tool, JSON.stringify(action.args), this.blob(result), 12.5);
  }

  diff(spec: { taskId: string; subtaskId: string | null; stepId: number | null; round: number; unified: string; paths: string[] }): number {
    const files = spec.paths.map((path) => ({ path, status: 'modified', additions: 1, deletions: 1, binary: false, hunks: [] }));
    const patchId = createHash('sha1').update(spec.unified).digest('hex');
    return Number(this.insert.diff.run(spec.taskId, spec.subtaskId, spec.stepId, spec.round, 'c'.repeat(40), patchId,
      JSON.stringify(files), this.blob(spec.unified), this.now()).lastInsertRowid);
  }

  review(spec: { taskId: string; diffId: number; path: string; verdict: ReviewVerdict; reason?: string; edited?: string }): void {
    this.insert.review.run(spec.taskId, spec.diffId, spec.path, spec.verdict, spec.reason ?? null,
      spec.edited === undefined ? null : this.blob(spec.edited), this.now());
  }

  applied(spec: { taskId: string; diffId: number; commit: string }): number {
    const diffHash = this.blob(`applied ${spec.diffId}`);
    return Number(this.insert.applied.run(spec.taskId, spec.diffId, 'p'.repeat(40), diffHash, spec.commit, this.now()).lastInsertRowid);
  }

  signal(spec: { taskId: string; appliedId: number | null; kind: 'merged' | 'reverted'; commit: string; source?: string }): void {
    this.insert.signal.run(spec.taskId, spec.appliedId, spec.kind, spec.source ?? 'patch-id', spec.commit, this.now());
  }

  close(): void {
    this.db.close();
  }
}

/** One role's running conversation: each step is given every turn so far, as the agent loop does. */
export class Conversation {
  constructor(
    private readonly builder: TrajectoryStoreBuilder,
    readonly taskId: string,
    readonly subtaskId: string | null,
    public round: number,
    readonly role: Role,
    readonly adapterVersion: number | null,
    public turns: ChatTurn[],
  ) {}

  /** Records a step choosing `action`; `result` is the tool's answer, given back as a tool turn. */
  step(action: AgentAction, result?: string): number {
    const id = this.builder.recordStep(this, this.turns, action);
    this.turns.push({ role: 'assistant', content: JSON.stringify(action) });
    if (result !== undefined) {
      if (this.role === 'worker') this.builder.recordToolCall(id, action, result);
      this.turns.push({ role: 'tool', content: result });
    }
    return id;
  }

  /** A step whose generation failed: recorded, but not training data. */
  failedStep(): number {
    return this.builder.recordStep(this, this.turns, { tool: 'done', args: { summary: '' } }, 'error');
  }

  user(content: string): void {
    this.turns.push({ role: 'user', content });
  }

  /** A tool result that arrives later than its step (the orchestrator's delegate returns after the worker ran). */
  toolResult(content: string): void {
    this.turns.push({ role: 'tool', content });
  }
}

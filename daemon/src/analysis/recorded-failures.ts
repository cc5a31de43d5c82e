// Every recorded failure, read back from the store as one short text each, for clustering into
// patterns: the human's rejections, guard stops (doom loops, budgets, no progress, giving up), failed
// tool calls and the critic's failing verdicts. Each is put on the role whose work failed and the
// adapter version that role ran with, so a pattern's trend over versions can be counted.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { verdictPasses } from '../agents/critic-verdict.js';
import type { PatternMember } from '../protocol/failure-patterns.js';
import type { CriticVerdict, Role } from '../protocol/types.js';

/** A failure as the store recorded it: what a pattern lists of it (`text` is embedded and clustered), and when. */
export interface RecordedFailure extends PatternMember {
  createdAt: number;
}

export interface FailureFilter {
  role?: Role;
  /** Only failures recorded at or after this time (ms since the epoch). */
  sinceMs?: number;
}

/** Stop reasons that mean a guard (or the model itself) stopped the work, not the user or the machine. */
export const GUARD_STOPS = ['gave_up', 'step_budget', 'token_budget', 'doom_loop', 'no_progress', 'context_overflow'] as const;

/** Longest text kept per failure: the head of a long tool error says what it is. */
const MAX_TEXT = 400;

export function readRecordedFailures(dbPath: string, filter: FailureFilter = {}): RecordedFailure[] {
  if (!existsSync(dbPath)) throw new Error(`No Tandem store at ${dbPath}. Run a task first, or point TANDEM_HOME at the folder that holds tandem.db.`);
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    db.exec('BEGIN'); // one snapshot while the daemon keeps writing
    const failures = [...rejections(db), ...guardStops(db), ...toolErrors(db), ...criticFailures(db)]
      .filter((f) => (filter.role === undefined || f.role === filter.role) && f.createdAt >= (filter.sinceMs ?? 0))
      .map((f) => ({ ...f, text: cut(f.text) }));
    // A stable order, so clustering (seeded) gives the same patterns for the same store.
    return failures.sort((a, b) => a.createdAt - b.createdAt || a.kind.localeCompare(b.kind) || a.taskId.localeCompare(b.taskId) || (a.stepId ?? 0) - (b.stepId ?? 0));
  } finally {
    db.close();
  }
}

/** The last step of a role in a task's round (or subtask), with its adapter version. */
const LAST_STEP = (where: string) => `(SELECT s.id FROM steps s WHERE ${where} ORDER BY s.id DESC LIMIT 1)`;

/** One per rejected diff and reason (a reason given for several files is one failure); put on the worker, whose code it was. */
function rejections(db: Database.Database): RecordedFailure[] {
  const rows = db.prepare(`
    SELECT r.task_id AS taskId, d.subtask_id AS subtaskId, MIN(r.created_at) AS createdAt, r.reason AS reason,
      GROUP_CONCAT(r.path, ', ') AS paths,
      COALESCE(d.step_id, ${LAST_STEP("s.task_id = d.task_id AND s.round = d.round AND s.role = 'worker'")}) AS stepId
    FROM reviews r JOIN diffs d ON d.id = r.diff_id
    WHERE r.verdict = 'reject'
    GROUP BY r.diff_id, COALESCE(r.reason, '')`).all() as { taskId: string; subtaskId: string | null; createdAt: number; reason: string | null; paths: string; stepId: number | null }[];
  return rows.map((row) => ({
    kind: 'rejection', role: 'worker', taskId: row.taskId, subtaskId: row.subtaskId, stepId: row.stepId, createdAt: row.createdAt,
    adapterVersion: versionOf(db, row.stepId),
    text: row.reason?.trim() ? row.reason.trim() : `rejected without a reason: ${row.paths}`,
  }));
}

/** Subtasks a guard stopped (the worker's) and tasks stopped by one (the orchestrator's). */
function guardStops(db: Database.Database): RecordedFailure[] {
  const reasons = GUARD_STOPS.map((r) => `'${r}'`).join(', ');
  const subtasks = db.prepare(`
    SELECT st.task_id AS taskId, st.id AS subtaskId, st.created_at AS createdAt, st.stop_reason AS stopReason, st.instruction AS detail,
      ${LAST_STEP("s.subtask_id = st.id AND s.role = 'worker'")} AS stepId
    FROM subtasks st WHERE st.stop_reason IN (${reasons})`).all() as GuardRow[];
  const tasks = db.prepare(`
    SELECT t.id AS taskId, NULL AS subtaskId, COALESCE(t.finished_at, t.updated_at) AS createdAt, t.stop_reason AS stopReason, t.prompt AS detail,
      ${LAST_STEP("s.task_id = t.id AND s.role = 'orchestrator'")} AS stepId
    FROM tasks t WHERE t.stop_reason IN (${reasons})`).all() as GuardRow[];
  return [
    ...subtasks.map((row) => guardFailure(db, row, 'worker')),
    ...tasks.map((row) => guardFailure(db, row, 'orchestrator')),
  ];
}

interface GuardRow { taskId: string; subtaskId: string | null; createdAt: number; stopReason: string; detail: string; stepId: number | null }

function guardFailure(db: Database.Database, row: GuardRow, role: Role): RecordedFailure {
  return {
    kind: 'guard_stop', role, taskId: row.taskId, subtaskId: row.subtaskId, stepId: row.stepId, createdAt: row.createdAt,
    adapterVersion: versionOf(db, row.stepId), text: `stopped by ${row.stopReason.replace(/_/g, ' ')}: ${row.detail}`,
  };
}

function toolErrors(db: Database.Database): RecordedFailure[] {
  const rows = db.prepare(`
    SELECT s.task_id AS taskId, s.subtask_id AS subtaskId, s.id AS stepId, s.role AS role, s.adapter_version AS adapterVersion,
      s.created_at AS createdAt, c.tool AS tool, b.content AS result
    FROM tool_calls c JOIN steps s ON s.id = c.step_id JOIN blobs b ON b.hash = c.result_hash
    WHERE c.ok = 0`).all() as { taskId: string; subtaskId: string | null; stepId: number; role: Role; adapterVersion: number | null; createdAt: number; tool: string; result: string }[];
  return rows.map((row) => ({
    kind: 'tool_error', role: row.role, taskId: row.taskId, subtaskId: row.subtaskId, stepId: row.stepId, createdAt: row.createdAt,
    adapterVersion: row.adapterVersion, text: `${row.tool} failed: ${row.result.trim()}`,
  }));
}

/** Verdicts that fail a worker's result: a failure of the worker's work, at the worker's last step in that subtask. */
function criticFailures(db: Database.Database): RecordedFailure[] {
  const rows = db.prepare(`
    SELECT c.task_id AS taskId, c.subtask_id AS subtaskId, c.created_at AS createdAt, c.action_json AS action,
      ${LAST_STEP("s.subtask_id = c.subtask_id AND s.role = 'worker' AND s.id < c.id")} AS stepId
    FROM steps c WHERE c.role = 'critic' AND c.action_json IS NOT NULL`).all() as { taskId: string; subtaskId: string | null; createdAt: number; action: string; stepId: number | null }[];
  const out: RecordedFailure[] = [];
  for (const row of rows) {
    const verdict = (JSON.parse(row.action) as { args?: CriticVerdict }).args;
    if (!verdict || typeof verdict.score !== 'number' || verdictPasses(verdict)) continue;
    const failed = [!verdict.does_what_was_asked && 'not what was asked', verdict.tests_pass === 'fail' && 'tests fail', !verdict.no_unrelated_changes && 'unrelated changes'].filter(Boolean);
    out.push({
      kind: 'critic_fail', role: 'worker', taskId: row.taskId, subtaskId: row.subtaskId, stepId: row.stepId, createdAt: row.createdAt,
      adapterVersion: versionOf(db, row.stepId),
      text: `${verdict.rationale?.trim() || 'critic failed the result'} (score ${verdict.score}${failed.length ? `; ${failed.join(', ')}` : ''})`,
    });
  }
  return out;
}

function versionOf(db: Database.Database, stepId: number | null): number | null {
  if (stepId === null) return null;
  return (db.prepare('SELECT adapter_version FROM steps WHERE id = ?').pluck().get(stepId) as number | null | undefined) ?? null;
}

function cut(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

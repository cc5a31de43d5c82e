// Read-only access to a Tandem store for export: every query the export runs, prepared once.
// Tasks are streamed with `iterate()`; only one task's steps and blobs are held at a time.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import type { Role } from '../../protocol/types.js';
import type { ChatTurn } from '../../agents/ports.js';
import { LATEST_SCHEMA_VERSION } from '../migrations/schema-versions.js';
import { newerSchema } from '../open-store.js';
import { resolveTurn } from '../turn-refs.js';

export interface TaskRow {
  id: string;
  prompt: string;
  base_commit: string;
  base_model_sha: string | null;
  created_at: number;
  repo_path: string;
  repo_remote: string | null;
}

export interface StepRow {
  id: number;
  subtask_id: string | null;
  round: number;
  role: Role;
  adapter_version: number | null;
  adapter_sha: string | null;
  /** The cluster the step was routed to (schema version 5); null without one. */
  route?: { clustering: number; cluster: number } | null;
  prompt_version: string;
  /** Refs of the chat turns the model was given, in order (see turn-refs.ts); equal turns, equal refs. */
  messages: string[];
  action: { tool: string; args: Record<string, unknown> };
  /** The blob of the text the model generated (evaluation scores it as generated). */
  output_hash?: string;
  created_at: number;
}

export interface DiffRow {
  id: number; subtask_id: string | null; step_id: number | null; round: number; files_json: string; diff_hash: string; created_at: number;
  /** 1 when the diff is an attempt's that was not chosen (made in a scratch worktree, never reviewed). */
  unchosen_attempt?: number;
}
export interface ReviewRow {
  diff_id: number; path: string; verdict: 'approve' | 'reject' | 'approve_with_edits'; reason: string | null; edited_hash: string | null; created_at: number;
  /** What became of each hunk of an approved file (review_hunks, schema version 3), as a JSON array; '[]' when not recorded. */
  hunks: string;
}
export interface AppliedRow { id: number; diff_id: number; commit_sha: string | null }
export interface SignalRow { applied_id: number | null; kind: string; source: string; commit_sha: string | null; created_at: number }

export interface TaskFilter {
  roles: Role[];
  sinceMs: number;
  repoId: number | null;
  /** Only the tasks of one cluster of a clustering (table task_clusters). */
  cluster?: { clustering: number; cluster: number } | null;
}

const REQUIRED_TABLES = ['blobs', 'tasks', 'repos', 'steps', 'diffs', 'reviews', 'applied_changes', 'signals'];

export interface AttemptRow {
  subtask_id: string;
  group_id: string;
  attempt: number;
  score: number | null;
  chosen: number;
}

export class StoreReader {
  private readonly db: Database.Database;
  private readonly hasAttempts: boolean = false;
  private readonly hasReviewHunks: boolean = false;
  private readonly hasClusters: boolean = false;
  private readonly statements;
  /** Iterators still open when the export stops early; closed before the connection. */
  private readonly open: IterableIterator<unknown>[] = [];

  constructor(dbPath: string) {
    if (!existsSync(dbPath)) {
      throw new Error(`No Tandem store at ${dbPath}. Run a task first, or point TANDEM_HOME at the folder that holds tandem.db.`);
    }
    let schema = 0;
    try {
      this.db = new Database(dbPath, { readonly: true, fileMustExist: true });
      schema = this.db.pragma('user_version', { simple: true }) as number;
      // One read transaction: every query sees the same snapshot while the daemon keeps writing.
      this.db.exec('BEGIN');
      const tables = new Set((this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
      const missing = REQUIRED_TABLES.filter((t) => !tables.has(t));
      if (missing.length) throw new Error(`missing tables: ${missing.join(', ')}`);
      this.hasAttempts = tables.has('attempts'); // schema version 4
      this.hasReviewHunks = tables.has('review_hunks'); // schema version 3
      this.hasClusters = tables.has('task_clusters'); // schema version 6
    } catch (error) {
      throw new Error(`${dbPath} is not a readable Tandem store (${(error as Error).message}).`);
    }
    // Tables of a newer schema may mean something else now: refuse rather than export it wrongly.
    if (schema > LATEST_SCHEMA_VERSION) {
      this.db.close();
      throw newerSchema(dbPath, schema);
    }
    const roleList = "(SELECT value FROM json_each(:roles))";
    const inCluster = this.hasClusters
      ? '(:clustering IS NULL OR t.id IN (SELECT task_id FROM task_clusters WHERE clustering = :clustering AND cluster = :cluster))'
      : '(:clustering IS NULL OR :cluster IS NULL)';
    const route = this.hasClusters ? 'route_clustering, route_cluster' : 'NULL AS route_clustering, NULL AS route_cluster';
    this.statements = {
      repoByPath: this.db.prepare('SELECT id FROM repos WHERE path = ?'),
      repoPaths: this.db.prepare('SELECT path FROM repos ORDER BY path LIMIT 10'),
      countSteps: this.db.prepare(`SELECT count(*) AS n FROM steps s JOIN tasks t ON t.id = s.task_id
        WHERE t.created_at >= :since AND (:repo IS NULL OR t.repo_id = :repo) AND ${inCluster} AND s.role IN ${roleList}`),
      tasks: this.db.prepare(`SELECT t.id, t.prompt, t.base_commit, t.base_model_sha, t.created_at, r.path AS repo_path, r.remote AS repo_remote
        FROM tasks t JOIN repos r ON r.id = t.repo_id
        WHERE t.created_at >= :since AND (:repo IS NULL OR t.repo_id = :repo) AND ${inCluster} ORDER BY t.id`),
      steps: this.db.prepare(`SELECT id, subtask_id, round, role, adapter_version, adapter_sha, prompt_version, messages_json, output_hash, action_json, state, created_at, ${route}
        FROM steps WHERE task_id = :task AND role IN ${roleList} ORDER BY id`),
      blob: this.db.prepare('SELECT content FROM blobs WHERE hash = ?').pluck(),
      diffs: this.db.prepare(`SELECT id, subtask_id, step_id, round, files_json, diff_hash, created_at, ${this.hasAttempts
        ? 'EXISTS (SELECT 1 FROM attempts a WHERE a.subtask_id = diffs.subtask_id AND a.chosen = 0)' : '0'} AS unchosen_attempt
        FROM diffs WHERE task_id = ? ORDER BY id`),
      // Through the task's diffs, so the lookup uses reviews_by_diff (reviews has no task index).
      reviews: this.db.prepare(`SELECT diff_id, path, verdict, reason, edited_hash, created_at, ${this.hasReviewHunks
        ? '(SELECT json_group_array(decision) FROM (SELECT decision FROM review_hunks h WHERE h.review_id = reviews.id ORDER BY h.hunk_index))'
        : "'[]'"} AS hunks FROM reviews
        WHERE diff_id IN (SELECT id FROM diffs WHERE task_id = ?) ORDER BY created_at, id`),
      // applied_changes has no index by task or diff: it is read once, in task order, beside the tasks.
      applied: this.db.prepare('SELECT task_id, id, diff_id, commit_sha FROM applied_changes ORDER BY task_id, id'),
      signals: this.db.prepare(`SELECT applied_id, kind, source, commit_sha, created_at FROM signals
        WHERE task_id = ? AND kind IN ('merged', 'reverted') ORDER BY created_at, id`),
    };
  }

  /** The repo's id, or an error message naming the repos the store knows. */
  repoId(path: string): number | string {
    const row = this.statements.repoByPath.get(path) as { id: number } | undefined;
    if (row) return row.id;
    const known = (this.statements.repoPaths.all() as { path: string }[]).map((r) => r.path);
    return `No tasks were recorded for the repo ${path}.` + (known.length ? ` Known repos: ${known.join(', ')}` : ' The store has no repos yet.');
  }

  countSteps(filter: TaskFilter): number {
    return (this.statements.countSteps.get(this.params(filter)) as { n: number }).n;
  }

  tasks(filter: TaskFilter): IterableIterator<TaskRow> {
    const { since, repo, clustering, cluster } = this.params(filter);
    return this.track(this.statements.tasks.iterate({ since, repo, clustering, cluster }) as IterableIterator<TaskRow>);
  }

  /**
   * A task's steps of the given roles, in order, with how many were read. Steps that did not
   * complete (cancelled, error, no parsed action) are not training data and are left out.
   */
  steps(taskId: string, roles: Role[]): { steps: StepRow[]; read: number } {
    const rows = this.statements.steps.all({ task: taskId, roles: JSON.stringify(roles) }) as Record<string, unknown>[];
    const steps: StepRow[] = [];
    for (const row of rows) {
      const action = parseAction(row.action_json as string | null);
      if (row.state !== 'done' || !action) continue;
      steps.push({
        id: row.id as number, subtask_id: row.subtask_id as string | null, round: row.round as number, role: row.role as Role,
        adapter_version: row.adapter_version as number | null, adapter_sha: row.adapter_sha as string | null,
        route: row.route_cluster === null ? null : { clustering: row.route_clustering as number, cluster: row.route_cluster as number },
        prompt_version: row.prompt_version as string, messages: JSON.parse(row.messages_json as string) as string[],
        action, output_hash: row.output_hash as string, created_at: row.created_at as number,
      });
    }
    return { steps, read: rows.length };
  }

  blob(hash: string): string {
    const content = this.statements.blob.get(hash) as string | undefined;
    if (content === undefined) throw new Error(`The store is missing blob ${hash}; it may be damaged.`);
    return content;
  }

  turn(ref: string): ChatTurn {
    const turn = resolveTurn(ref, (hash) => this.blob(hash));
    if (!turn) throw new Error(`The store has a chat turn it cannot read (${ref}); it may be damaged.`);
    return turn;
  }

  diffs(taskId: string): DiffRow[] { return this.statements.diffs.all(taskId) as DiffRow[]; }
  reviews(taskId: string): ReviewRow[] { return this.statements.reviews.all(taskId) as ReviewRow[]; }

  /**
   * The applied changes of each task, for tasks asked for in ascending id order (as `tasks` yields
   * them): one pass over the table in step with the tasks, instead of one table scan per task.
   */
  appliedInTaskOrder(): (taskId: string) => AppliedRow[] {
    const rows = this.track(this.statements.applied.iterate() as IterableIterator<AppliedRow & { task_id: string }>);
    let next = rows.next();
    return (taskId) => {
      const out: AppliedRow[] = [];
      while (!next.done && compareIds(next.value.task_id, taskId) < 0) next = rows.next();
      while (!next.done && next.value.task_id === taskId) {
        out.push({ id: next.value.id, diff_id: next.value.diff_id, commit_sha: next.value.commit_sha });
        next = rows.next();
      }
      return out;
    };
  }

  signals(taskId: string): SignalRow[] { return this.statements.signals.all(taskId) as SignalRow[]; }

  /** The task's attempts (tandem.attempts), grouped by the delegation they are attempts at; none before schema version 4. */
  attempts(taskId: string): AttemptRow[] {
    if (!this.hasAttempts) return [];
    return this.db.prepare(`SELECT a.subtask_id, a.group_id, a.attempt, a.score, a.chosen FROM attempts a
      JOIN subtasks s ON s.id = a.subtask_id WHERE s.task_id = ? ORDER BY a.group_id, a.attempt`).all(taskId) as AttemptRow[];
  }

  /** The newest clustering's version, or a message saying there is none or it lacks the cluster. */
  clusterOf(cluster: number): { clustering: number; cluster: number } | string {
    const none = 'The store has no clusters yet; make them with `tandem clusters` first.';
    if (!this.hasClusters) return none;
    const clustering = this.db.prepare('SELECT MAX(version) FROM clusterings').pluck().get() as number | null;
    if (clustering === null) return none;
    const known = this.db.prepare('SELECT cluster FROM work_clusters WHERE clustering = ? ORDER BY cluster').pluck().all(clustering) as number[];
    return known.includes(cluster) ? { clustering, cluster } : `Clustering v${clustering} has no cluster ${cluster}; it has ${known.join(', ')} (see \`tandem clusters\`).`;
  }

  /** Ends the read transaction with the connection: nothing was written, so there is nothing to commit. */
  close(): void {
    for (const iterator of this.open) iterator.return?.();
    this.db.close();
  }

  private track<T extends IterableIterator<unknown>>(iterator: T): T {
    this.open.push(iterator);
    return iterator;
  }

  private params(filter: TaskFilter) {
    return { since: filter.sinceMs, repo: filter.repoId, roles: JSON.stringify(filter.roles), clustering: filter.cluster?.clustering ?? null, cluster: filter.cluster?.cluster ?? null };
  }
}

/** SQLite's BINARY order: byte order of the UTF-8 text. */
function compareIds(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function parseAction(json: string | null): StepRow['action'] | null {
  if (!json) return null;
  try {
    const value = JSON.parse(json) as { tool?: unknown; args?: unknown };
    if (typeof value.tool !== 'string') return null;
    const args = value.args && typeof value.args === 'object' && !Array.isArray(value.args) ? value.args as Record<string, unknown> : {};
    return { tool: value.tool, args };
  } catch {
    return null;
  }
}

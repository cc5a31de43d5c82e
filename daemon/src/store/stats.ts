// Approval and merge rates, overall and per adapter version: is the next adapter any better?
import type { StatsBucket, StatsReport } from '../protocol/messages.js';
import { ROLES, type Role } from '../protocol/types.js';
import { criticAgreement } from './critic-agreement.js';
import type { Store } from './open-store.js';

const TOP_REASONS = 5;

/**
 * A reviewed diff counts as approved when any of its files was approved. A diff is credited to
 * every adapter that ran a step in its task's round; merged rate is merged / applied changes.
 */
export function computeStats(store: Store): StatsReport {
  const adapters = store.db.prepare('SELECT DISTINCT role, adapter_version AS version FROM steps ORDER BY role, adapter_version')
    .all() as { role: Role; version: number | null }[];
  // Schema version 5 records routes; a store opened read-only from an older file may lack the columns.
  const routed = (store.db.prepare("SELECT COUNT(*) FROM pragma_table_info('steps') WHERE name = 'route_cluster'").pluck().get() as number) > 0;
  const clusters = routed ? store.db.prepare(`SELECT DISTINCT route_clustering AS clustering, route_cluster AS cluster FROM steps
    WHERE route_cluster IS NOT NULL ORDER BY route_clustering, route_cluster`).all() as { clustering: number; cluster: number }[] : [];
  return {
    overall: bucket(store, null),
    byAdapter: adapters.map((a) => ({ role: a.role, version: a.version, ...bucket(store, { steps: 's.role = ? AND s.adapter_version IS ?', args: [a.role, a.version] }) })),
    // Only where steps were routed, so a store without clusters reports as before.
    ...(clusters.length > 0 && {
      byCluster: clusters.map((c) => ({ ...c, ...bucket(store, { steps: 's.route_clustering = ? AND s.route_cluster = ?', args: [c.clustering, c.cluster] }) })),
    }),
    critic: criticAgreement(store),
  };
}

/** Which steps a bucket covers (a condition on steps `s`); its diffs are those of rounds with such a step. */
interface BucketScope {
  steps: string;
  args: unknown[];
}

function bucket(store: Store, scope: BucketScope | null): StatsBucket {
  const db = store.db;
  const stepScope = scope ? scope.steps : '1';
  const diffScope = scope ? `EXISTS (SELECT 1 FROM steps s WHERE s.task_id = d.task_id AND s.round = d.round AND ${scope.steps})` : '1';
  const args = scope ? scope.args : [];
  const tasks = scope
    ? db.prepare(`SELECT COUNT(DISTINCT task_id) FROM steps s WHERE ${stepScope}`).pluck().get(...args) as number
    : db.prepare('SELECT COUNT(*) FROM tasks').pluck().get() as number;
  const steps = Object.fromEntries(ROLES.map((role) => [role, 0])) as Record<Role, number>;
  for (const row of db.prepare(`SELECT role, COUNT(*) AS n FROM steps s WHERE ${stepScope} GROUP BY role`).all(...args) as { role: Role; n: number }[]) {
    steps[row.role] = row.n;
  }
  const review = db.prepare(`SELECT COUNT(*) AS reviewed, COALESCE(SUM(approved), 0) AS approved FROM (
      SELECT MAX(r.verdict IN ('approve', 'approve_with_edits')) AS approved FROM reviews r JOIN diffs d ON d.id = r.diff_id
      WHERE ${diffScope} GROUP BY r.diff_id)`).get(...args) as { reviewed: number; approved: number };
  const applied = db.prepare(`SELECT COUNT(*) AS applied,
      COALESCE(SUM(EXISTS (SELECT 1 FROM signals g WHERE g.kind = 'merged' AND g.applied_id = a.id)), 0) AS merged
    FROM applied_changes a JOIN diffs d ON d.id = a.diff_id WHERE ${diffScope}`).get(...args) as { applied: number; merged: number };
  const reasons = db.prepare(`SELECT r.reason AS reason, COUNT(DISTINCT r.diff_id) AS count FROM reviews r JOIN diffs d ON d.id = r.diff_id
    WHERE r.verdict = 'reject' AND r.reason IS NOT NULL AND TRIM(r.reason) != '' AND ${diffScope}
    GROUP BY r.reason ORDER BY count DESC, reason LIMIT ${TOP_REASONS}`).all(...args) as { reason: string; count: number }[];

  return {
    tasks, steps, reviewed: review.reviewed,
    approvalRate: review.reviewed ? review.approved / review.reviewed : null,
    mergedRate: applied.applied ? applied.merged / applied.applied : null,
    topRejectionReasons: reasons,
  };
}

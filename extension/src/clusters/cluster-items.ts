// What the Clusters view shows for a clustering: one row per kind of work (label, task count) and, under
// it, the adapter each role runs there. Plain data, so it is tested without VS Code.
import { ROLES } from '../../../daemon/src/protocol/types.js';
import type { WorkClustering } from '../../../daemon/src/protocol/work-clusters.js';

export interface ClusterRow {
  cluster: number;
  label: string;
  description: string;
  tooltip: string;
  /** One line per role: "worker: v3 (expert)" or "worker: general adapter". */
  adapters: string[];
}

export function clusterRows(clustering: WorkClustering | null): ClusterRow[] {
  if (!clustering) return [];
  return clustering.clusters.map((c) => {
    const adapters = ROLES.map((role) => `${role}: ${c.adapters[role] === null ? 'general adapter' : `v${c.adapters[role]} (expert)`}`);
    const experts = ROLES.filter((role) => c.adapters[role] !== null).length;
    return {
      cluster: c.cluster,
      label: `${c.cluster}: ${c.label}`,
      description: `${c.tasks} task(s) · ${experts ? `${experts} expert(s)` : 'general adapters'}`,
      tooltip: `Cluster ${c.cluster} of clustering v${clustering.version} (${clustering.createdAt})\n${c.label}\n${adapters.join('\n')}`,
      adapters,
    };
  });
}

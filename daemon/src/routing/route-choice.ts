// The adapter each role runs a task's steps on: the nearest cluster's expert where the role has one
// registered for that cluster, otherwise the role's general adapter (which the runtime already holds).
import type { ExpertAdapter, TaskRoute } from '../agents/ports.js';
import { ROLES, type Role } from '../protocol/types.js';

/** An adapter registered for a role and a cluster of a clustering (see AdapterRegistry.experts). */
export interface ExpertBinding extends ExpertAdapter {
  role: Role;
  clustering: number;
  cluster: number;
}

/**
 * The route of a task assigned to `cluster` of `clustering`. Bindings made for another clustering are
 * ignored: its cluster ids name other centroids.
 */
export function chooseRoute(clustering: number, cluster: number, bindings: readonly ExpertBinding[]): TaskRoute {
  const experts: TaskRoute['experts'] = {};
  for (const role of ROLES) {
    const binding = bindings.find((b) => b.role === role && b.clustering === clustering && b.cluster === cluster);
    if (binding) experts[role] = { path: binding.path, version: binding.version, sha256: binding.sha256 };
  }
  return { clustering, cluster, experts };
}

/** The roles that fall back to their general adapter on this route. */
export function fallbackRoles(route: TaskRoute): Role[] {
  return ROLES.filter((role) => !route.experts[role]);
}

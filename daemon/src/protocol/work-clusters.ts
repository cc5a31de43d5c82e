// Kinds of work: the recorded tasks clustered by their embeddings (`tandem clusters`), and adapters
// registered for a role and a cluster ("experts") that tasks routed to that cluster run on.
import { request } from './messages.js';
import { s } from './params-schema.js';
import { ROLES, type AdapterRef, type Role } from './types.js';

/** One kind of work of the current clustering. */
export interface WorkCluster {
  cluster: number;
  /** The text of its most typical task. */
  label: string;
  /** Tasks clustered into it, plus those routed to it since. */
  tasks: number;
  /** The adapter version each role runs on for this cluster; null: the role's general adapter (the fallback). */
  adapters: Record<Role, number | null>;
}

/** A clustering version; routing uses the newest one made with the loaded base model. */
export interface WorkClustering {
  version: number;
  baseModelSha: string;
  createdAt: string;
  clusters: WorkCluster[];
}

export interface ClustersBuildParams {
  /** A fixed number of clusters; by default chosen by the data (silhouette), at most 8. */
  k?: number;
}

export interface ClusterAdapterParams {
  role: Role;
  /** A cluster of the current clustering. */
  cluster: number;
  /** A registered version of the role; null: the role's general adapter for this cluster. */
  version: number | null;
}

/** The route a step ran on, as recorded (steps.route_clustering / route_cluster). */
export interface StepRoute {
  clustering: number;
  cluster: number;
}

/** Extension/CLI: the current clustering with each cluster's task count and adapters, or null before `tandem clusters` made one. */
export const ClustersList = request<void, WorkClustering | null>()('tandem/clusters/list', s.none());

/** Extension/CLI: embeds every recorded task with the base model and clusters them, stored as the next clustering version. */
export const ClustersBuild = request<ClustersBuildParams, WorkClustering>()('tandem/clusters/build', s.object({ k: s.optional(s.number()) }));

/** Extension/CLI: makes a registered version a role's adapter for one cluster of the current clustering (null: back to the general adapter). */
export const ClustersUseAdapter = request<ClusterAdapterParams, AdapterRef>()('tandem/clusters/use-adapter', s.object({
  role: s.oneOf(ROLES), cluster: s.number(), version: s.nullable(s.number()),
}));

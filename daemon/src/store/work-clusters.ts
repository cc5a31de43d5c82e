// Kinds of work in the store (schema version 5): each clustering of the recorded tasks, its centroids
// and labels, which cluster each task is in, and the cluster a new task was routed to.
import type { Store } from './open-store.js';

export interface NewCluster {
  label: string;
  centroid: ArrayLike<number>;
  /** Recorded tasks assigned to it by the clustering. */
  taskIds: readonly string[];
}

export interface StoredCluster {
  cluster: number;
  label: string;
  centroid: Float32Array;
  /** Tasks in it: those clustered into it plus those routed to it since. */
  tasks: number;
}

export interface StoredClustering {
  version: number;
  baseModelSha: string;
  dims: number;
  createdAt: number;
  clusters: StoredCluster[];
}

/** Stores a clustering as the next version, in one transaction; returns its version. */
export function saveClustering(store: Store, clustering: { baseModelSha: string; clusters: readonly NewCluster[] }, now = Date.now()): number {
  const dims = clustering.clusters[0]?.centroid.length ?? 0;
  if (clustering.clusters.some((c) => c.centroid.length !== dims)) throw new Error('internal: centroids of one clustering differ in length');
  return store.write(() => {
    const version = (store.db.prepare('SELECT COALESCE(MAX(version), 0) + 1 FROM clusterings').pluck().get() as number);
    store.db.prepare('INSERT INTO clusterings (version, base_model_sha, dims, created_at) VALUES (?, ?, ?, ?)').run(version, clustering.baseModelSha, dims, now);
    const insertCluster = store.db.prepare('INSERT INTO work_clusters (clustering, cluster, label, centroid) VALUES (?, ?, ?, ?)');
    const insertMember = store.db.prepare('INSERT INTO task_clusters (task_id, clustering, cluster, routed) VALUES (?, ?, ?, 0)');
    clustering.clusters.forEach((cluster, index) => {
      insertCluster.run(version, index, cluster.label, Buffer.from(Float32Array.from(cluster.centroid).buffer));
      for (const taskId of cluster.taskIds) insertMember.run(taskId, version, index);
    });
    return version;
  });
}

/** The newest clustering (made with this base model, when given), or null when there is none. */
export function latestClustering(store: Store, baseModelSha?: string): StoredClustering | null {
  const row = store.db.prepare(`SELECT version, base_model_sha, dims, created_at FROM clusterings
    WHERE ? IS NULL OR base_model_sha = ? ORDER BY version DESC LIMIT 1`).get(baseModelSha ?? null, baseModelSha ?? null) as
    { version: number; base_model_sha: string; dims: number; created_at: number } | undefined;
  if (!row) return null;
  const clusters = (store.db.prepare(`SELECT c.cluster, c.label, c.centroid,
      (SELECT COUNT(*) FROM task_clusters t WHERE t.clustering = c.clustering AND t.cluster = c.cluster) AS tasks
    FROM work_clusters c WHERE c.clustering = ? ORDER BY c.cluster`).all(row.version) as { cluster: number; label: string; centroid: Buffer; tasks: number }[])
    .map((c) => ({ cluster: c.cluster, label: c.label, tasks: c.tasks, centroid: floats(c.centroid) }));
  return { version: row.version, baseModelSha: row.base_model_sha, dims: row.dims, createdAt: row.created_at, clusters };
}

/** The recorded tasks' ids and prompts, oldest first: what `tandem clusters` embeds. */
export function taskTexts(store: Store): { id: string; prompt: string }[] {
  return store.db.prepare('SELECT id, prompt FROM tasks ORDER BY created_at, id').all() as { id: string; prompt: string }[];
}

/** The cluster a task was routed to when it started, so a later round runs on the same route. */
export function routeOfTask(store: Store, taskId: string): { clustering: number; cluster: number } | null {
  return (store.db.prepare('SELECT clustering, cluster FROM task_clusters WHERE task_id = ? AND routed = 1 ORDER BY clustering DESC LIMIT 1')
    .get(taskId) as { clustering: number; cluster: number } | undefined) ?? null;
}

function floats(blob: Buffer): Float32Array {
  // Copied: a Buffer's bytes may sit at an offset that is no multiple of 4 in its pool.
  const copy = new Uint8Array(blob);
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}

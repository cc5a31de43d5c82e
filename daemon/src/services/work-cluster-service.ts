// Kinds of work behind the protocol: clusters the recorded tasks (embeddings of their prompts from the
// base model, seeded k-means with k chosen by the data), lists them with their adapters, binds adapter
// versions to clusters, and routes a new task to the nearest cluster's adapters.
import { ResponseError } from 'vscode-jsonrpc';
import type { TaskRoute } from '../agents/ports.js';
import { clusterLabel, kMeans } from '../analysis/kmeans.js';
import { ErrorCodes } from '../protocol/errors.js';
import { ROLES, type AdapterRef, type ProgressEvent, type Role } from '../protocol/types.js';
import type { ClusterAdapterParams, WorkClustering } from '../protocol/work-clusters.js';
import { chooseRoute, type ExpertBinding } from '../routing/route-choice.js';
import { nearestCluster } from '../routing/nearest-cluster.js';
import type { ClusterKey } from '../runtime/adapter-registry.js';
import type { ModelRuntime } from '../runtime/model-runtime.js';
import type { Store } from '../store/open-store.js';
import { latestClustering, routeOfTask, saveClustering, taskTexts } from '../store/work-clusters.js';
import { unwrap, type AdapterService } from './adapter-service.js';

/** The most kinds of work `tandem clusters` makes when the data chooses k. */
export const MAX_CLUSTERS = 8;
/** Fewer recorded tasks than this cannot show kinds of work. */
export const MIN_TASKS_TO_CLUSTER = 2;
const CLUSTERING_SEED = 15;

export interface WorkClusterDeps {
  store: () => Store;
  adapters: AdapterService;
  /** The loaded runtime (embeddings need the model); loads it when a CLI command runs in-process. */
  runtime: () => Promise<ModelRuntime>;
}

export class WorkClusterService {
  constructor(private readonly deps: WorkClusterDeps) {}

  /** Embeds every recorded task's prompt and clusters them; the result is the next clustering version. */
  async build(params: { k?: number }, progress?: (event: ProgressEvent) => void): Promise<WorkClustering> {
    const k = params.k;
    if (k !== undefined && !(Number.isInteger(k) && k >= 1 && k <= 64)) throw new ResponseError(-32602, `--k must be a whole number from 1 to 64; got ${k}.`);
    const tasks = taskTexts(this.deps.store());
    if (tasks.length < MIN_TASKS_TO_CLUSTER) {
      throw new ResponseError(ErrorCodes.InvalidState, `Clustering needs at least ${MIN_TASKS_TO_CLUSTER} recorded tasks; the store has ${tasks.length}. Run some tasks first.`);
    }
    const runtime = await this.deps.runtime();
    const texts = tasks.map((t) => t.prompt);
    const title = `Embedding ${texts.length} tasks`;
    const vectors = await runtime.textEmbedder().embed(texts, (done, total) => progress?.({ id: 'clusters', title, done, total, unit: 'records', finished: done === total }));
    const clustering = kMeans(vectors, { k, kMax: MAX_CLUSTERS, seed: CLUSTERING_SEED });
    saveClustering(this.deps.store(), {
      baseModelSha: runtime.baseModelSha,
      clusters: clustering.centroids.map((centroid, cluster) => ({
        centroid, label: clusterLabel(clustering.members[cluster]!, texts), taskIds: clustering.members[cluster]!.map((i) => tasks[i]!.id),
      })),
    });
    return this.list(runtime.baseModelSha)!;
  }

  /** The newest clustering (of this base model, when known) with each cluster's adapters, or null. */
  list(baseModelSha?: string): WorkClustering | null {
    const stored = latestClustering(this.deps.store(), baseModelSha);
    if (!stored) return null;
    const bindings = this.bindings();
    return {
      version: stored.version, baseModelSha: stored.baseModelSha, createdAt: new Date(stored.createdAt).toISOString(),
      clusters: stored.clusters.map(({ cluster, label, tasks }) => {
        const route = chooseRoute(stored.version, cluster, bindings);
        const adapters = Object.fromEntries(ROLES.map((role) => [role, route.experts[role]?.version ?? null])) as Record<Role, number | null>;
        return { cluster, label, tasks, adapters };
      }),
    };
  }

  /** A cluster of the newest clustering, as the registry keys experts; a clear error when there is no such cluster. */
  key(cluster: number): ClusterKey {
    const stored = latestClustering(this.deps.store());
    if (!stored) throw new ResponseError(ErrorCodes.InvalidState, 'There are no clusters yet; make them with `tandem clusters` first.');
    if (!stored.clusters.some((c) => c.cluster === cluster)) {
      throw new ResponseError(ErrorCodes.NotFound, `Clustering v${stored.version} has no cluster ${cluster}; it has ${stored.clusters.map((c) => c.cluster).join(', ')} (see \`tandem clusters\`).`);
    }
    return { clustering: stored.version, cluster };
  }

  useAdapter(params: ClusterAdapterParams): AdapterRef {
    const ref = unwrap(this.deps.adapters.registry.useForCluster(params.role, this.key(params.cluster), params.version));
    this.deps.adapters.changed(params.role, 'activated', params.version);
    return ref;
  }

  /**
   * Where a new task runs: the nearest cluster of the newest clustering made with this runtime's base
   * model, and that cluster's adapters; null (every role on its general adapter) when there is no clustering.
   */
  async route(prompt: string, runtime: ModelRuntime): Promise<TaskRoute | null> {
    const stored = latestClustering(this.deps.store(), runtime.baseModelSha);
    if (!stored || stored.clusters.length === 0) return null;
    const [embedding] = await runtime.textEmbedder().embed([prompt]);
    const nearest = nearestCluster(embedding!, stored.clusters);
    return nearest && chooseRoute(stored.version, nearest.cluster, this.bindings(runtime.baseModelSha));
  }

  /** The route a task was given when it started (a later round, or a task revived after a restart), with today's adapters. */
  routeOf(taskId: string): TaskRoute | null {
    const routed = routeOfTask(this.deps.store(), taskId);
    return routed && chooseRoute(routed.clustering, routed.cluster, this.bindings());
  }

  /** Experts registered for another base model are left out: they do not fit the loaded one. */
  private bindings(baseModelSha?: string): ExpertBinding[] {
    return this.deps.adapters.registry.experts().filter((e) => !baseModelSha || e.baseModelSha === baseModelSha).map((e) => ({ role: e.role, clustering: e.clustering, cluster: e.cluster, path: e.path, version: e.version, sha256: e.sha256 }));
  }

}

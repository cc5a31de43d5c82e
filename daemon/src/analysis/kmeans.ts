// Spherical k-means (cosine distance) with k-means++ seeding from a seeded RNG: the same vectors, options
// and seed give the same clusters on every machine. k is chosen by the data when not given: each
// k = 2..kMax is scored by its silhouette (on an even sample of the points, so thousands of
// failures stay cheap), and the best is kept if it shows structure at all; otherwise everything is one cluster.
import { SeededRandom } from '../runtime/seeded-random.js';

export interface KMeansOptions {
  /** A fixed k (bounded by the number of distinct vectors); by default chosen over 1..kMax. */
  k?: number;
  /** The largest k tried when k is chosen by the data. */
  kMax?: number;
  seed?: number;
  /** k-means++ starts per k; the one with the least total distance is kept. */
  restarts?: number;
  maxIterations?: number;
}

export interface Clustering {
  k: number;
  /** The cluster of each input vector. */
  assignments: number[];
  /** Unit-length centroid per cluster. */
  centroids: Float32Array[];
  /** Members of each cluster, most typical (closest to the centroid) first; ties by input order. */
  members: number[][];
  /** Silhouette of the chosen clustering (0 for one cluster). */
  silhouette: number;
}

export const DEFAULT_K_MAX = 8;
/** Points the silhouette is computed over at most. */
const SILHOUETTE_SAMPLE = 400;
/** Below this silhouette no substantial structure was found (Kaufman & Rousseeuw): one cluster. */
export const MIN_SILHOUETTE = 0.25;

export function kMeans(vectors: readonly ArrayLike<number>[], options: KMeansOptions = {}): Clustering {
  if (vectors.length === 0) return { k: 0, assignments: [], centroids: [], members: [], silhouette: 0 };
  const points = vectors.map(unit);
  const distinct = countDistinct(points);
  const seed = options.seed ?? 1;
  if (options.k !== undefined) {
    if (!Number.isInteger(options.k) || options.k < 1) throw new Error(`k must be a whole number of at least 1 (got ${options.k})`);
    return finish(points, bestOfRestarts(points, Math.min(options.k, distinct), seed, options));
  }
  const kMax = Math.min(options.kMax ?? DEFAULT_K_MAX, distinct, points.length - 1);
  let best = finish(points, bestOfRestarts(points, 1, seed, options));
  for (let k = 2; k <= kMax; k++) {
    const candidate = finish(points, bestOfRestarts(points, k, seed, options));
    if (candidate.silhouette >= MIN_SILHOUETTE && candidate.silhouette > best.silhouette + 1e-9) best = candidate;
  }
  return best;
}

/** Cosine distance between unit vectors. */
export function cosineDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return 1 - dot;
}

interface Run { assignments: number[]; centroids: Float32Array[]; cost: number }

function bestOfRestarts(points: Float32Array[], k: number, seed: number, options: KMeansOptions): Run {
  let best: Run | null = null;
  for (let restart = 0; restart < (options.restarts ?? 4); restart++) {
    const random = SeededRandom.forName(seed, `k${k}/restart${restart}`);
    const run = lloyd(points, seedCentroids(points, k, random), options.maxIterations ?? 100);
    if (!best || run.cost < best.cost - 1e-12) best = run;
  }
  return best!;
}

/** k-means++: each next centre drawn with probability proportional to its squared distance from the chosen ones. */
function seedCentroids(points: Float32Array[], k: number, random: SeededRandom): Float32Array[] {
  const centroids = [points[Math.floor(random.next() * points.length)]!];
  const nearest = points.map((point) => cosineDistance(point, centroids[0]!) ** 2);
  while (centroids.length < k) {
    const total = nearest.reduce((sum, value) => sum + value, 0);
    if (total <= 0) break;
    let pick = random.next() * total;
    let index = 0;
    while (index < points.length - 1 && (pick -= nearest[index]!) >= 0) index++;
    while (nearest[index] === 0) index = (index + 1) % points.length;
    centroids.push(points[index]!);
    points.forEach((point, i) => { nearest[i] = Math.min(nearest[i]!, cosineDistance(point, points[index]!) ** 2); });
  }
  return centroids.map((centroid) => Float32Array.from(centroid));
}

function lloyd(points: Float32Array[], centroids: Float32Array[], maxIterations: number): Run {
  let assignments = points.map((point) => nearestCentroid(point, centroids).index);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    centroids = centroids.map((centroid, cluster) => meanDirection(points, assignments, cluster) ?? centroid);
    const next = points.map((point) => nearestCentroid(point, centroids).index);
    if (next.every((cluster, i) => cluster === assignments[i])) break;
    assignments = next;
  }
  const cost = points.reduce((sum, point, i) => sum + cosineDistance(point, centroids[assignments[i]!]!), 0);
  return { assignments, centroids, cost };
}

function finish(points: Float32Array[], run: Run): Clustering {
  // Clusters renumbered by first appearance and empty ones dropped, so the numbering is stable and dense.
  const order = new Map<number, number>();
  for (const cluster of run.assignments) if (!order.has(cluster)) order.set(cluster, order.size);
  const assignments = run.assignments.map((cluster) => order.get(cluster)!);
  const centroids = [...order.keys()].map((cluster) => run.centroids[cluster]!);
  const members = centroids.map((centroid, cluster) => assignments
    .map((assigned, index) => ({ assigned, index, distance: cosineDistance(points[index]!, centroid) }))
    .filter((member) => member.assigned === cluster)
    .sort((a, b) => a.distance - b.distance || a.index - b.index)
    .map((member) => member.index));
  return { k: centroids.length, assignments, centroids, members, silhouette: silhouette(points, assignments, centroids.length) };
}

/**
 * Mean silhouette over at most SILHOUETTE_SAMPLE points (an even stride through the input, so it is
 * deterministic): for each, the mean distance to the other sampled members of its cluster against the
 * nearest other cluster's. The full silhouette; a sample keeps it O(sample²·d) on large inputs.
 */
function silhouette(points: Float32Array[], assignments: number[], k: number): number {
  if (k < 2) return 0;
  const stride = Math.max(1, Math.ceil(points.length / SILHOUETTE_SAMPLE));
  const sample: number[] = [];
  for (let i = 0; i < points.length; i += stride) sample.push(i);
  let sum = 0;
  for (const i of sample) {
    const total = new Array<number>(k).fill(0);
    const count = new Array<number>(k).fill(0);
    for (const j of sample) {
      if (j === i) continue;
      total[assignments[j]!]! += cosineDistance(points[i]!, points[j]!);
      count[assignments[j]!]!++;
    }
    const own = assignments[i]!;
    if (count[own] === 0) continue; // a singleton's silhouette is 0 by convention
    const a = total[own]! / count[own]!;
    let b = Infinity;
    for (let cluster = 0; cluster < k; cluster++) if (cluster !== own && count[cluster]! > 0) b = Math.min(b, total[cluster]! / count[cluster]!);
    const spread = Math.max(a, b);
    if (Number.isFinite(b) && spread > 0) sum += (b - a) / spread;
  }
  return sum / sample.length;
}

function nearestCentroid(point: Float32Array, centroids: Float32Array[]): { index: number; distance: number } {
  let best = { index: 0, distance: Infinity };
  centroids.forEach((centroid, index) => {
    const distance = cosineDistance(point, centroid);
    if (distance < best.distance - 1e-12) best = { index, distance };
  });
  return best;
}

function meanDirection(points: Float32Array[], assignments: number[], cluster: number): Float32Array | null {
  let sum: Float32Array | null = null;
  points.forEach((point, i) => {
    if (assignments[i] !== cluster) return;
    sum ??= new Float32Array(point.length);
    for (let d = 0; d < point.length; d++) sum[d]! += point[d]!;
  });
  return sum ? unit(sum) : null;
}

function unit(vector: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(vector as ArrayLike<number>);
  let norm = 0;
  for (const value of out) norm += value * value;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < out.length; i++) out[i]! /= norm;
  return out;
}

function countDistinct(points: Float32Array[]): number {
  return new Set(points.map((point) => Buffer.from(point.buffer, point.byteOffset, point.byteLength).toString('base64'))).size;
}

/**
 * A cluster's name: the text of its most typical member (closest to the centroid) on one line, cut to
 * maxLength, with how many other distinct texts it stands for.
 */
export function clusterLabel(members: readonly number[], texts: readonly string[], maxLength = 80): string {
  const distinct = [...new Set(members.map((index) => oneLine(texts[index] ?? '')))];
  const head = distinct[0] ?? '';
  const cut = head.length > maxLength ? `${head.slice(0, maxLength - 1)}…` : head;
  return distinct.length > 1 ? `${cut} (+${distinct.length - 1} similar)` : cut;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

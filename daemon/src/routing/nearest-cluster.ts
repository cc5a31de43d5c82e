// Which stored kind of work a new task is nearest to: cosine similarity between the task's embedding
// and each cluster's centroid. Pure, so routing decisions are unit-tested without a model.

export interface Centroid {
  cluster: number;
  centroid: ArrayLike<number>;
}

/** The nearest centroid's cluster and its similarity, or null when there is none to compare with. */
export function nearestCluster(embedding: ArrayLike<number>, centroids: readonly Centroid[]): { cluster: number; similarity: number } | null {
  let best: { cluster: number; similarity: number } | null = null;
  for (const { cluster, centroid } of centroids) {
    if (centroid.length !== embedding.length) {
      throw new Error(`cluster ${cluster}'s centroid has ${centroid.length} dimensions, the task's embedding ${embedding.length}; rebuild the clusters (\`tandem clusters --rebuild\`)`);
    }
    const similarity = cosine(embedding, centroid);
    // Ties go to the lower cluster id, so the same inputs always route the same way.
    if (!best || similarity > best.similarity || (similarity === best.similarity && cluster < best.cluster)) best = { cluster, similarity };
  }
  return best;
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  // A zero vector is like nothing: the least similar, never NaN.
  return na === 0 || nb === 0 ? -1 : dot / Math.sqrt(na * nb);
}

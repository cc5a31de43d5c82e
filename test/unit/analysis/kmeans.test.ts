// k-means on constructed points: well-separated blobs on the unit sphere must come back as exactly
// those blobs, with k chosen right, the same on every run; unstructured or identical points stay one cluster.
import assert from 'node:assert/strict';
import { clusterLabel, cosineDistance, kMeans } from '../../../daemon/src/analysis/kmeans.js';
import { SeededRandom } from '../../../daemon/src/runtime/seeded-random.js';

/** count points around each axis direction given, jittered by noise, in dims dimensions. */
function blobs(axes: number[], count: number, dims: number, noise: number, seed = 7): { points: Float32Array[]; truth: number[] } {
  const random = new SeededRandom(seed);
  const points: Float32Array[] = [];
  const truth: number[] = [];
  axes.forEach((axis, blob) => {
    for (let i = 0; i < count; i++) {
      const point = new Float32Array(dims);
      for (let d = 0; d < dims; d++) point[d] = (random.next() * 2 - 1) * noise;
      point[axis]! += 1;
      points.push(point);
      truth.push(blob);
    }
  });
  return { points, truth };
}

/** The clustering equals the truth up to renaming clusters. */
function samePartition(found: number[], truth: number[]): boolean {
  const map = new Map<number, number>();
  const back = new Map<number, number>();
  return found.every((cluster, i) => {
    if ((map.get(cluster) ?? truth[i]) !== truth[i] || (back.get(truth[i]!) ?? cluster) !== cluster) return false;
    map.set(cluster, truth[i]!);
    back.set(truth[i]!, cluster);
    return true;
  });
}

describe('k-means (cosine, k-means++ with a seeded RNG)', () => {
  for (const axes of [[0, 5], [0, 3, 9], [1, 4, 7, 10, 13]]) {
    it(`finds ${axes.length} well-separated blobs exactly and chooses k = ${axes.length}`, () => {
      const { points, truth } = blobs(axes, 12, 16, 0.15);
      const clustering = kMeans(points, { kMax: 8 });
      assert.equal(clustering.k, axes.length);
      assert.ok(samePartition(clustering.assignments, truth), clustering.assignments.join(','));
      assert.ok(clustering.silhouette > 0.5, `silhouette ${clustering.silhouette}`);
    });
  }

  it('is deterministic: the same points and seed give the same clusters and centroids', () => {
    const { points } = blobs([0, 2, 4], 10, 8, 0.3);
    const a = kMeans(points, { seed: 3 });
    const b = kMeans(points, { seed: 3 });
    assert.deepEqual(a.assignments, b.assignments);
    assert.deepEqual(a.centroids.map((c) => [...c]), b.centroids.map((c) => [...c]));
  });

  it('keeps one cluster for points with no structure, and for identical points', () => {
    const random = new SeededRandom(11);
    const noise = Array.from({ length: 60 }, () => Float32Array.from({ length: 32 }, () => random.next() * 2 - 1));
    assert.equal(kMeans(noise, { kMax: 6 }).k, 1);
    const same = Array.from({ length: 5 }, () => Float32Array.from([0.2, 0.4, 0.1]));
    const clustering = kMeans(same, { kMax: 4 });
    assert.equal(clustering.k, 1);
    assert.deepEqual(clustering.members, [[0, 1, 2, 3, 4]]);
  });

  it('bounds k by kMax and by the number of distinct points, and honours a fixed k', () => {
    const { points } = blobs([0, 1, 2, 3, 4, 5], 4, 8, 0.05);
    assert.ok(kMeans(points, { kMax: 3 }).k <= 3);
    const two = [Float32Array.from([1, 0]), Float32Array.from([1, 0]), Float32Array.from([0, 1])];
    assert.equal(kMeans(two, { k: 5 }).k, 2);
    assert.equal(kMeans(points, { k: 2 }).k, 2);
    assert.throws(() => kMeans(points, { k: 0 }), /at least 1/);
  });

  it('puts identical vectors in the same cluster and orders members by closeness to the centroid', () => {
    const { points } = blobs([0, 6], 8, 12, 0.2);
    const withCopies = [...points, points[3]!, points[12]!];
    const clustering = kMeans(withCopies);
    assert.equal(clustering.assignments[16], clustering.assignments[3]);
    assert.equal(clustering.assignments[17], clustering.assignments[12]);
    clustering.members.forEach((members, cluster) => {
      const distances = members.map((index) => cosineDistance(Float32Array.from(withCopies[index]!).map((v, _, all) => v / Math.hypot(...all)), clustering.centroids[cluster]!));
      for (let i = 1; i < distances.length; i++) assert.ok(distances[i]! >= distances[i - 1]! - 1e-6);
    });
    assert.equal(clustering.members.flat().length, withCopies.length, 'every point in exactly one cluster');
  });

  it('labels a cluster by its most typical member, on one line and cut', () => {
    const texts = ['tests fail:\n  expected 2', 'tests fail: expected 3', 'x'.repeat(200)];
    assert.equal(clusterLabel([0, 1], texts), 'tests fail: expected 2 (+1 similar)');
    assert.equal(clusterLabel([0, 0], texts), 'tests fail: expected 2');
    assert.equal(clusterLabel([2], texts, 10), `${'x'.repeat(9)}…`);
  });
});

describe('random projection before clustering', () => {
  it('keeps narrow vectors as they are, and projects wide ones deterministically without losing blobs', async () => {
    const { projectVectors } = await import('../../../daemon/src/analysis/random-projection.js');
    const narrow = [Float32Array.from([1, 2, 3])];
    assert.equal(projectVectors(narrow, 8)[0], narrow[0]);
    const { points, truth } = blobs([0, 700, 1500], 10, 2048, 0.02);
    const projected = projectVectors(points, 128);
    assert.equal(projected[0]!.length, 128);
    assert.deepEqual([...projectVectors(points, 128)[5]!], [...projected[5]!], 'the same projection every time');
    const clustering = kMeans(projected);
    assert.equal(clustering.k, 3);
    assert.ok(samePartition(clustering.assignments, truth));
  });
});

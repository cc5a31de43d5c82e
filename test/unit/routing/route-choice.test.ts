// Routing decisions as pure logic: the nearest centroid by cosine, each role's expert for that cluster
// or its general adapter, and bindings of another clustering ignored.
import assert from 'node:assert/strict';
import { chooseRoute, fallbackRoles, type ExpertBinding } from '../../../daemon/src/routing/route-choice.js';
import { cosine, nearestCluster } from '../../../daemon/src/routing/nearest-cluster.js';

const binding = (over: Partial<ExpertBinding>): ExpertBinding => ({
  role: 'worker', clustering: 1, cluster: 0, path: '/adapters/worker/v2.gguf', version: 2, sha256: 'w2', ...over,
});

describe('routing: nearest cluster', () => {
  const centroids = [
    { cluster: 0, centroid: [1, 0, 0] },
    { cluster: 1, centroid: [0, 1, 0] },
    { cluster: 2, centroid: [0, 0, 1] },
  ];

  it('picks the centroid with the highest cosine similarity, whatever the vector lengths', () => {
    assert.equal(nearestCluster([0.1, 5, 0.2], centroids)?.cluster, 1);
    assert.equal(nearestCluster([0, 0.01, 0.02], centroids)?.cluster, 2);
    assert.ok(Math.abs(nearestCluster([3, 0, 0], centroids)!.similarity - 1) < 1e-12);
  });

  it('breaks a tie by the lower cluster id, so the same task always routes the same way', () => {
    assert.equal(nearestCluster([1, 1, 0], centroids)?.cluster, 0);
    assert.equal(nearestCluster([0, 1, 1], [...centroids].reverse())?.cluster, 1);
  });

  it('has no answer without centroids, treats a zero vector as least similar, and refuses other dimensions by name', () => {
    assert.equal(nearestCluster([1, 0, 0], []), null);
    assert.equal(cosine([0, 0, 0], [1, 0, 0]), -1);
    assert.equal(nearestCluster([1, 0], [{ cluster: 0, centroid: [0, 0] }, { cluster: 1, centroid: [0, 1] }])?.cluster, 1);
    assert.throws(() => nearestCluster([1, 0], centroids), /cluster 0's centroid has 3 dimensions, the task's embedding 2/);
  });
});

describe('routing: adapters per role', () => {
  it("runs a role on its cluster's expert and falls back to the general adapter for the others", () => {
    const route = chooseRoute(1, 0, [binding({}), binding({ role: 'critic', version: 4, sha256: 'c4', path: '/c4.gguf' })]);
    assert.deepEqual(route, {
      clustering: 1, cluster: 0,
      experts: { worker: { path: '/adapters/worker/v2.gguf', version: 2, sha256: 'w2' }, critic: { path: '/c4.gguf', version: 4, sha256: 'c4' } },
    });
    assert.deepEqual(fallbackRoles(route), ['orchestrator']);
  });

  it("ignores experts of other clusters and of other clusterings (their ids name other centroids)", () => {
    const route = chooseRoute(2, 0, [binding({ clustering: 1 }), binding({ clustering: 2, cluster: 1 })]);
    assert.deepEqual(route.experts, {});
    assert.deepEqual(fallbackRoles(route), ['orchestrator', 'worker', 'critic']);
  });
});

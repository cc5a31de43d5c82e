// Adapters registered for a role and a cluster ("experts"): registered without touching the role's
// general adapter, one per cluster of a clustering, kept across registry reads, and never deleted while
// they serve a cluster.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes } from '../../../daemon/src/protocol/errors.js';
import { AdapterRegistry } from '../../../daemon/src/runtime/adapter-registry.js';

describe('adapter registry: experts per cluster', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tandem-experts-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const registry = () => new AdapterRegistry({
    registryFile: join(dir, 'adapters', 'registry.json'), adaptersDir: join(dir, 'adapters'), validate: async () => undefined, baseModelSha: async () => 'b'.repeat(64),
  });
  const file = (name: string) => { const path = join(dir, name); writeFileSync(path, name); return path; };

  it("registers an expert as the role's next version, inactive for the role, serving its cluster", async () => {
    const reg = registry();
    const general = await reg.add('worker', file('general.gguf'));
    const expert = await reg.add('worker', file('expert.gguf'), { cluster: { clustering: 1, cluster: 2 } });
    assert.ok(general.ok && expert.ok);
    assert.deepEqual([expert.value.version, expert.value.active], [2, false]);
    assert.equal(reg.active('worker')?.version, 1, 'the general adapter stays the fallback');
    assert.deepEqual(registry().experts().map((e) => [e.role, e.version, e.clustering, e.cluster]), [['worker', 2, 1, 2]], 'read back from disk');
  });

  it('keeps one version per role and cluster: binding another replaces it, null removes it, an unknown version is refused', async () => {
    const reg = registry();
    const a = await reg.add('worker', file('a.gguf'), { cluster: { clustering: 1, cluster: 0 } });
    const b = await reg.add('worker', file('b.gguf'), { cluster: { clustering: 1, cluster: 1 } });
    assert.ok(a.ok && b.ok);
    assert.ok(reg.useForCluster('worker', { clustering: 1, cluster: 0 }, 2).ok);
    assert.deepEqual(reg.experts('worker').map((e) => [e.cluster, e.version]), [[1, 2], [0, 2]]);
    assert.ok(reg.useForCluster('worker', { clustering: 1, cluster: 1 }, null).ok);
    assert.deepEqual(reg.experts('worker').map((e) => [e.cluster, e.version]), [[0, 2]]);
    const unknown = reg.useForCluster('worker', { clustering: 1, cluster: 0 }, 9);
    assert.ok(!unknown.ok && unknown.code === ErrorCodes.NotFound);
    assert.deepEqual(reg.experts('orchestrator'), []);
  });

  it('refuses to remove a version while it serves a cluster, and removes it once it does not', async () => {
    const reg = registry();
    const added = await reg.add('critic', file('c.gguf'), { cluster: { clustering: 2, cluster: 3 } });
    assert.ok(added.ok);
    const refused = reg.remove('critic', 1);
    assert.ok(!refused.ok && refused.code === ErrorCodes.InvalidState && /serves cluster 3/.test(refused.message));
    assert.ok(reg.useForCluster('critic', { clustering: 2, cluster: 3 }, null).ok);
    assert.ok(reg.remove('critic', 1).ok);
  });
});

// When the running daemon cannot load an adapter being added or chosen, the registry must go back to
// what the runtime still uses: a registry that names a version the runtime refused breaks the next start.
// Real registry files and the real validator; the runtime is a stand-in that refuses every adapter.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tandemPaths } from '../../daemon/src/paths.js';
import type { ModelRuntime } from '../../daemon/src/runtime/model-runtime.js';
import { AdapterService } from '../../daemon/src/services/adapter-service.js';

describe('adapters: the registry follows what the runtime could load', () => {
  let home: string;
  before(() => { home = mkdtempSync(join(tmpdir(), 'tandem-adapter-rollback-')); });
  after(() => rmSync(home, { recursive: true, force: true }));

  it('forgets an added version, and restores the chosen one, when the runtime refuses it', async () => {
    const service = new AdapterService(tandemPaths({ TANDEM_HOME: home }), {});
    const base = await service.baseModel();
    const fixtureWorker = base.fixtureAdapters!.worker;
    const first = await service.add('worker', fixtureWorker); // no runtime yet: registered only
    assert.equal(service.registry.active('worker')?.version, first.version);
    let refusals = 0;
    service.attach({ setAdapter: async () => { refusals++; return { ok: false, error: { message: 'llama.cpp could not load it' } }; } } as unknown as ModelRuntime);
    await assert.rejects(service.add('worker', base.fixtureAdapters!.orchestrator), /could not load it/);
    assert.deepEqual(service.registry.list('worker').map((a) => a.version), [first.version], 'the refused version is forgotten');
    assert.equal(service.registry.active('worker')?.version, first.version);
    await assert.rejects(service.use('worker', null), /could not load it/);
    assert.equal(service.registry.active('worker')?.version, first.version, 'the runtime still runs it');
    assert.equal(refusals, 2);
  });
});

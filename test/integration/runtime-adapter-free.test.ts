// Adapter memory across hot-swaps on the real llama.cpp: the model holds only the adapters some role
// context uses, an adapter shared by both roles stays until neither uses it, and one a running
// generation still uses stays until that generation ends. Each version is its own file, as in the registry.
import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GenerateRequest } from '../../daemon/src/agents/ports.js';
import type { Role } from '../../daemon/src/protocol/types.js';
import type { ModelRuntime, RuntimeResult } from '../../daemon/src/runtime/model-runtime.js';
import type { AdapterVersion } from '../../daemon/src/runtime/role-context.js';
import { ACTION_SCHEMA, PROMPT, makeRuntimeFixture, type RuntimeFixture } from './helpers/runtime-fixture.js';

// A long string field keeps a generation running long enough to swap during it (as in runtime-hot-swap).
const LONG_SCHEMA = { ...ACTION_SCHEMA, properties: { ...ACTION_SCHEMA.properties, args: { type: 'object', properties: { note: { type: 'string', maxLength: 400 } } } } };
const request = (role: Role, over: Partial<GenerateRequest> = {}): GenerateRequest => ({ role, messages: PROMPT, schema: ACTION_SCHEMA, maxTokens: 24, temperature: 0, ...over });

describe('adapter memory across hot-swaps (tiny fixture, real llama.cpp)', () => {
  let fixture: RuntimeFixture;
  /** Version N is a copy of the fixture's worker adapter (odd N) or its orchestrator adapter (even N). */
  let version: (n: number) => Promise<AdapterVersion>;
  const text = async (runtime: ModelRuntime, role: Role) => (await runtime.generate(request(role))).text;
  const swap = async (runtime: ModelRuntime, role: Role, adapter: AdapterVersion | null) => {
    const set = await runtime.setAdapter(role, adapter);
    assert.ok(set.ok, set.ok ? '' : set.error.message);
  };

  before(async () => {
    fixture = await makeRuntimeFixture(17);
    version = async (n) => {
      const path = join(fixture.dir, `v${n}.gguf`);
      await copyFile(fixture.files.adapters[n % 2 === 1 ? 'worker' : 'orchestrator'], path);
      return { path, version: n, sha256: `v${n}` };
    };
  });
  after(async () => { await fixture.close(); });

  it('holds only the adapters in use after many swaps, and the current one still generates', async () => {
    const runtime = await fixture.load({ orchestrator: await version(2), worker: await version(1) });
    assert.deepEqual(runtime.adapterMemory(), { loaded: 2, inUse: 2 });
    const withV1 = await text(runtime, 'worker');

    for (let n = 3; n <= 8; n++) {
      await swap(runtime, 'worker', await version(n));
      assert.deepEqual(runtime.adapterMemory(), { loaded: 2, inUse: 2 }, `after swapping the worker to v${n}`);
    }
    const v9 = await version(9); // the worker adapter's weights again, from a file not loaded before
    await swap(runtime, 'worker', v9);
    await swap(runtime, 'worker', v9); // the same version registered twice keeps it loaded
    assert.deepEqual(runtime.adapterMemory(), { loaded: 2, inUse: 2 });
    assert.equal(await text(runtime, 'worker'), withV1, 'v9 holds v1\'s weights and generates what v1 did');

    await swap(runtime, 'worker', null);
    assert.deepEqual(runtime.adapterMemory(), { loaded: 1, inUse: 1 });
    assert.notEqual(await text(runtime, 'worker'), withV1, 'the base weights differ from the adapter');
  });

  it('keeps an adapter both roles use until neither does, and loads it afresh when it comes back', async () => {
    const shared = await version(10);
    const runtime = await fixture.load({ orchestrator: shared, worker: shared });
    assert.deepEqual(runtime.adapterMemory(), { loaded: 1, inUse: 1 });
    const orchestratorText = await text(runtime, 'orchestrator');

    await swap(runtime, 'worker', await version(11));
    assert.deepEqual(runtime.adapterMemory(), { loaded: 2, inUse: 2 }, 'the orchestrator still uses the shared file');
    assert.equal(await text(runtime, 'orchestrator'), orchestratorText);

    await swap(runtime, 'orchestrator', await version(11));
    assert.deepEqual(runtime.adapterMemory(), { loaded: 1, inUse: 1 }, 'the shared file is freed once neither role uses it');

    await swap(runtime, 'orchestrator', shared);
    assert.deepEqual(runtime.adapterMemory(), { loaded: 2, inUse: 2 });
    assert.equal(await text(runtime, 'orchestrator'), orchestratorText, 'a freed adapter loads again from its file');
  });

  it('keeps the adapter of a context that is still generating until the generation ends', async () => {
    const runtime = await fixture.load({ worker: await version(1) });
    const long = request('worker', { schema: LONG_SCHEMA, maxTokens: 150 });
    const expected = (await runtime.generate(long)).text;

    let swapped: Promise<RuntimeResult<{ switched: string }>> | undefined;
    let memoryAtSwap: ReturnType<ModelRuntime['adapterMemory']> | undefined;
    const finished = await runtime.generate({
      ...long,
      onToken: () => {
        swapped ??= runtime.setAdapter('worker', fixture.adapter('orchestrator', 12)).then((result) => {
          memoryAtSwap = runtime.adapterMemory();
          return result;
        });
      },
    });
    const result = await swapped;
    assert.ok(result?.ok);
    assert.equal(result.value.switched, 'after_current_generation');
    assert.deepEqual(memoryAtSwap, { loaded: 2, inUse: 2 }, 'the running context kept its adapter');
    assert.equal(finished.text, expected, 'the running generation finished on its own adapter');
    assert.deepEqual(runtime.adapterMemory(), { loaded: 1, inUse: 1 }, 'freed once the generation ended and its context was disposed');
  });
});

// Hot-swapping a role's adapter on the real llama.cpp: a running generation finishes on the version it
// started with, the next one uses the new version, and an idle role switches at once.
import assert from 'node:assert/strict';
import type { GenerateRequest, GenerateResult } from '../../daemon/src/agents/ports.js';
import type { RuntimeResult } from '../../daemon/src/runtime/model-runtime.js';
import { ACTION_SCHEMA, PROMPT, makeRuntimeFixture, type RuntimeFixture } from './helpers/runtime-fixture.js';

// A long string field keeps each generation running for ~150 tokens, far longer than loading an adapter takes.
// Under node-llama-cpp's GBNF grammar, that is: the runtime's own decoder may close a random model's string at
// once (it repairs a token that does not fit), and this test is about the swap, not the decoder.
const DECODING = { actionDecoding: 'grammar' } as const;
const LONG_SCHEMA = { ...ACTION_SCHEMA, properties: { ...ACTION_SCHEMA.properties, args: { type: 'object', properties: { note: { type: 'string', maxLength: 400 } } } } };
const request = (over: Partial<GenerateRequest> = {}): GenerateRequest => ({ role: 'worker', messages: PROMPT, schema: LONG_SCHEMA, maxTokens: 150, temperature: 0, ...over });

describe('adapter hot-swap (tiny fixture, real llama.cpp)', () => {
  let fixture: RuntimeFixture;
  before(async () => { fixture = await makeRuntimeFixture(11); });
  after(async () => { await fixture.close(); });

  it('finishes a running generation on the old version and runs the next on the new one', async () => {
    // Version 1 is the fixture's worker adapter, version 2 its orchestrator adapter (a different update).
    const v1 = fixture.adapter('worker', 1);
    const v2 = { ...fixture.adapter('orchestrator', 2), sha256: 'worker-v2' };
    const reference = await fixture.load({ worker: v2 }, undefined, DECODING);
    const expectedV2 = (await reference.generate(request())).text;

    const runtime = await fixture.load({ worker: v1 }, undefined, DECODING);
    const expectedV1 = (await runtime.generate(request())).text;
    assert.notEqual(expectedV1, expectedV2, 'the two versions are distinguishable');

    const during: { swap?: Promise<RuntimeResult<{ switched: string }>>; tokensAfterSwap: number } = { tokensAfterSwap: 0 };
    const finished: GenerateResult = await runtime.generate(request({
      onToken: () => {
        if (!during.swap) during.swap = runtime.setAdapter('worker', v2); // requested at the first token
        else during.tokensAfterSwap++;
      },
    }));
    assert.ok(during.swap, 'the swap was requested during the generation');
    const swapped = await during.swap;
    assert.ok(swapped.ok);
    assert.equal(swapped.value.switched, 'after_current_generation');
    assert.ok(during.tokensAfterSwap > 0, 'the generation kept going after the swap was requested');

    assert.deepEqual(finished.adapter, { role: 'worker', version: 1, sha256: 'worker-v1' });
    assert.equal(finished.text, expectedV1, 'the running generation was neither restarted nor changed');
    const next = await runtime.generate(request());
    assert.deepEqual(next.adapter, { role: 'worker', version: 2, sha256: 'worker-v2' });
    assert.equal(next.text, expectedV2);
    assert.equal(runtime.status().adapters.worker.version, 2);
  });

  it('switches an idle role at once, and back to the base weights with no adapter', async () => {
    const runtime = await fixture.load({});
    const baseText = (await runtime.generate(request({ role: 'orchestrator' }))).text;
    const set = await runtime.setAdapter('orchestrator', fixture.adapter('orchestrator', 3));
    assert.ok(set.ok);
    assert.equal(set.value.switched, 'now');
    assert.equal(runtime.status().adapters.orchestrator.version, 3);
    const adapted = await runtime.generate(request({ role: 'orchestrator' }));
    assert.equal(adapted.adapter.version, 3);
    assert.notEqual(adapted.text, baseText);

    const cleared = await runtime.setAdapter('orchestrator', null);
    assert.ok(cleared.ok);
    assert.deepEqual(cleared.value.adapter, { role: 'orchestrator', version: null, sha256: null });
    assert.equal((await runtime.generate(request({ role: 'orchestrator' }))).text, baseText);
  });
});

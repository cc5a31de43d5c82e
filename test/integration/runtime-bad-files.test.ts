// Bad model and adapter files on the real runtime: each is refused with a message naming the
// problem, before llama.cpp sees it, and the runtime keeps working with what it had.
import assert from 'node:assert/strict';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFixtureAdapter } from '../../daemon/src/runtime/fixture-adapter.js';
import { GgmlType } from '../../daemon/src/runtime/gguf-format.js';
import { gguf, writeGgufFile } from '../../daemon/src/runtime/gguf-writer.js';
import { ModelRuntime, type RuntimeResult } from '../../daemon/src/runtime/model-runtime.js';
import { ACTION_SCHEMA, PROMPT, makeRuntimeFixture, type RuntimeFixture } from './helpers/runtime-fixture.js';

function refused<T>(result: RuntimeResult<T>): { problem: string; message: string } {
  assert.equal(result.ok, false, 'the file was refused');
  return (result as Extract<RuntimeResult<T>, { ok: false }>).error;
}

describe('bad model and adapter files (tiny fixture, real llama.cpp)', () => {
  let fixture: RuntimeFixture;
  let runtime: ModelRuntime;
  let goodText: string;
  const generate = () => runtime.generate({ role: 'worker', messages: PROMPT, schema: ACTION_SCHEMA, maxTokens: 32, temperature: 0 });

  before(async () => {
    fixture = await makeRuntimeFixture(21);
    runtime = await fixture.load({ worker: fixture.adapter('worker') });
    goodText = (await generate()).text;
  });
  after(async () => { await fixture.close(); });

  const badAdapters: [string, () => Promise<string>, string, RegExp][] = [
    ['not GGUF', async () => { const p = join(fixture.dir, 'readme.gguf'); await writeFile(p, '# not a model'); return p; }, 'not_gguf', /"readme\.gguf" is not a GGUF adapter file/],
    ['not an adapter', async () => fixture.files.modelPath, 'not_an_adapter', /is not an adapter: its general\.type is "model"/],
    ['made for another architecture', async () => {
      const p = join(fixture.dir, 'gemma.lora.gguf');
      await writeGgufFile(p, {
        metadata: [['general.architecture', gguf.str('gemma2')], ['general.type', gguf.str('adapter')], ['adapter.type', gguf.str('lora')], ['adapter.lora.alpha', gguf.f32(8)]],
        tensors: [
          { name: 'blk.0.attn_q.weight.lora_a', shape: [64, 4], type: GgmlType.F32, data: () => new Uint8Array(64 * 4 * 4) },
          { name: 'blk.0.attn_q.weight.lora_b', shape: [4, 64], type: GgmlType.F32, data: () => new Uint8Array(4 * 64 * 4) },
        ],
      });
      return p;
    }, 'wrong_architecture', /made for the gemma2 architecture, but the base model .* is llama/],
    ['shaped for another model', async () => {
      const p = join(fixture.dir, 'wide.lora.gguf');
      await writeFixtureAdapter(p, { name: 'wide', seed: 1, rank: 4, alpha: 8, targets: [['blk.1.ffn_down', [64, 64]]] });
      return p;
    }, 'tensor_mismatch', /blk\.1\.ffn_down\.weight is \[128, 64\] in the base model, but lora_a is \[64, 4\]/],
  ];

  for (const [what, make, problem, message] of badAdapters) {
    it(`refuses an adapter file (${what}) and keeps the current adapter`, async () => {
      const error = refused(await runtime.setAdapter('worker', { path: await make(), version: 2, sha256: 'bad' }));
      assert.equal(error.problem, problem);
      assert.match(error.message, message);
      const after = await generate();
      assert.equal(after.adapter.version, 1);
      assert.equal(after.text, goodText);
    });
  }

  it('refuses a truncated base model before llama.cpp loads it', async () => {
    const path = join(fixture.dir, 'cut.gguf');
    const bytes = await readFile(fixture.files.modelPath);
    await writeFile(path, bytes.subarray(0, bytes.length - 4096));
    const error = refused(await ModelRuntime.load({ modelPath: path, backend: fixture.backend }));
    assert.equal(error.problem, 'truncated');
    assert.match(error.message, /"cut\.gguf" is truncated/);
  });

  it('refuses to start with a bad adapter, naming the adapter file', async () => {
    const adapterCopy = join(fixture.dir, 'model-as-adapter.gguf');
    await copyFile(fixture.files.modelPath, adapterCopy);
    const error = refused(await ModelRuntime.load({
      modelPath: fixture.files.modelPath, backend: fixture.backend,
      adapters: { orchestrator: { path: adapterCopy, version: 1, sha256: 'x' } },
    }));
    assert.equal(error.problem, 'not_an_adapter');
    assert.match(error.message, /"model-as-adapter\.gguf"/);
  });
});

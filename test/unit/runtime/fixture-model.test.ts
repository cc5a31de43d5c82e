import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFixtureModel } from '../../../daemon/src/runtime/fixture-model.js';
import { readGgufFile, type GgufFile } from '../../../daemon/src/runtime/gguf-reader.js';

describe('fixture model', () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'tandem-fixture-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('is byte-identical for the same seed and differs for another seed', async () => {
    const first = await writeFixtureModel(join(dir, 'a'), { preset: 'tiny', seed: 7 });
    const again = await writeFixtureModel(join(dir, 'b'), { preset: 'tiny', seed: 7 });
    const other = await writeFixtureModel(join(dir, 'c'), { preset: 'tiny', seed: 8 });
    for (const pick of [(f: typeof first) => f.modelPath, (f: typeof first) => f.adapters.orchestrator, (f: typeof first) => f.adapters.worker]) {
      const bytes = await readFile(pick(first));
      assert.ok(bytes.equals(await readFile(pick(again))), `${pick(first)} is reproducible`);
      assert.ok(!bytes.equals(await readFile(pick(other))), `${pick(first)} depends on the seed`);
    }
  });

  it('has the llama keys, byte-fallback vocabulary, ChatML tokens and template, and shapes in ne order', async () => {
    const { modelPath } = await writeFixtureModel(join(dir, 'shape'), { preset: 'tiny', seed: 1 });
    const model = await readGgufFile(modelPath, { maxArrayItems: 100_000 });
    const meta = (key: string) => model.metadata.get(key);
    assert.equal(meta('general.architecture'), 'llama');
    assert.equal(meta('tokenizer.ggml.model'), 'llama');
    const tokens = meta('tokenizer.ggml.tokens') as string[];
    const types = meta('tokenizer.ggml.token_type') as number[];
    for (let b = 0; b < 256; b++) {
      const name = `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
      const id = tokens.indexOf(name);
      assert.ok(id >= 0, `${name} exists`);
      assert.equal(types[id], 6, `${name} is a byte token`);
    }
    for (const special of ['<|im_start|>', '<|im_end|>']) assert.equal(types[tokens.indexOf(special)], 3, `${special} is a control token`);
    assert.equal(tokens[meta('tokenizer.ggml.eos_token_id') as number], '<|im_end|>');
    assert.match(meta('tokenizer.chat_template') as string, /<\|im_start\|>.*add_generation_prompt/s);

    const e = meta('llama.embedding_length') as number;
    const v = tokens.length;
    const f = meta('llama.feed_forward_length') as number;
    const kv = (e / (meta('llama.attention.head_count') as number)) * (meta('llama.attention.head_count_kv') as number);
    const shape = (file: GgufFile, name: string) => file.tensors.find((t) => t.name === name)?.shape;
    assert.deepEqual(shape(model, 'token_embd.weight'), [e, v]);
    assert.deepEqual(shape(model, 'output.weight'), [e, v]);
    assert.deepEqual(shape(model, 'blk.1.attn_k.weight'), [e, kv]);
    assert.deepEqual(shape(model, 'blk.1.ffn_gate.weight'), [e, f]);
    assert.deepEqual(shape(model, 'blk.1.ffn_down.weight'), [f, e]);
    assert.equal(model.tensors.length, 3 + 9 * (meta('llama.block_count') as number));
  });

  it('writes adapters as lora_a [n_in, r] and lora_b [r, n_out] pairs with a non-trivial alpha', async () => {
    const files = await writeFixtureModel(join(dir, 'adapters'), { preset: 'tiny', seed: 1 });
    const adapter = await readGgufFile(files.adapters.orchestrator);
    assert.equal(adapter.metadata.get('general.type'), 'adapter');
    assert.equal(adapter.metadata.get('adapter.type'), 'lora');
    const a = adapter.tensors.find((t) => t.name === 'blk.0.ffn_down.weight.lora_a')!;
    const b = adapter.tensors.find((t) => t.name === 'blk.0.ffn_down.weight.lora_b')!;
    const rank = a.shape[1]!;
    assert.deepEqual([a.shape, b.shape], [[128, rank], [rank, 64]]);
    assert.equal(adapter.metadata.get('adapter.lora.alpha'), 2 * rank);
  });
});

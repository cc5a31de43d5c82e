// The fixture around a real tokenizer: every tokenizer.* key of the source GGUF comes across with its
// values and types, the architecture's keys and tensors follow --arch, and a file without a tokenizer says so.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFixtureModel } from '../../../daemon/src/runtime/fixture-model.js';
import { readFixtureTokenizer } from '../../../daemon/src/runtime/fixture-tokenizer.js';
import { readGgufFile } from '../../../daemon/src/runtime/gguf-reader.js';

// llama.cpp's conversion of a transformers tokenizer (SentencePiece, 514 tokens, ChatML template).
const LLAMA_TINY = fileURLToPath(new URL('../../../../shared/interop/llama-tiny/base.gguf', import.meta.url));

describe('fixture model around a real tokenizer', () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'tandem-fixture-vocab-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it("copies the source's tokenizer and chat template as they are, on the qwen2 architecture", async () => {
    const tokenizer = await readFixtureTokenizer(LLAMA_TINY);
    assert.equal(tokenizer.label, 'base');
    assert.equal(tokenizer.vocabSize, 514);
    const files = await writeFixtureModel(dir, { preset: 'tiny', seed: 1, arch: 'qwen2', tokenizer });
    assert.match(files.modelPath, /tandem-fixture-tiny-qwen2-base\.gguf$/);

    const source = await readGgufFile(LLAMA_TINY, { maxArrayItems: 100_000 });
    const written = await readGgufFile(files.modelPath, { maxArrayItems: 100_000 });
    const tokenizerKeys = [...source.metadata.keys()].filter((key) => key.startsWith('tokenizer.'));
    assert.ok(tokenizerKeys.includes('tokenizer.chat_template') && tokenizerKeys.includes('tokenizer.ggml.scores'));
    for (const key of tokenizerKeys) assert.deepEqual(written.metadata.get(key), source.metadata.get(key), key);
    assert.equal(written.metadata.get('general.architecture'), 'qwen2');
    assert.equal(written.metadata.get('qwen2.vocab_size'), 514);
    const names = written.tensors.map((t) => t.name);
    assert.ok(names.includes('blk.1.attn_k.bias'), 'Qwen2 has biases on its attention projections');
    assert.deepEqual(written.tensors.find((t) => t.name === 'output.weight')?.shape, [64, 514]);
    const adapter = await readGgufFile(files.adapters.worker);
    assert.equal(adapter.metadata.get('general.architecture'), 'qwen2', 'llama.cpp refuses an adapter of another architecture');
    assert.deepEqual(adapter.tensors.find((t) => t.name === 'output.weight.lora_b')?.shape, [4, 514]);
  });

  it('refuses a GGUF without a tokenizer, saying what to pass', async () => {
    const { adapters } = await writeFixtureModel(join(dir, 'toy'), { preset: 'tiny', seed: 1 });
    await assert.rejects(readFixtureTokenizer(adapters.worker), /has no tokenizer.*pass a model or a vocabulary GGUF/);
    const notGguf = join(dir, 'notes.txt');
    await writeFile(notGguf, 'hello');
    await assert.rejects(readFixtureTokenizer(notGguf));
  });
});

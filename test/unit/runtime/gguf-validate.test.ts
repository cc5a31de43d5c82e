import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFixtureAdapter } from '../../../daemon/src/runtime/fixture-adapter.js';
import { writeFixtureModel, type FixtureFiles } from '../../../daemon/src/runtime/fixture-model.js';
import { GgmlType } from '../../../daemon/src/runtime/gguf-format.js';
import { validateAdapterFile, validateBaseModelFile, type BaseModelSummary, type Validation } from '../../../daemon/src/runtime/gguf-validate.js';
import { gguf, writeGgufFile } from '../../../daemon/src/runtime/gguf-writer.js';

function problemOf<T>(result: Validation<T>): { problem: string; message: string } {
  assert.equal(result.ok, false, 'the file was refused');
  return (result as Extract<Validation<T>, { ok: false }>).error;
}

describe('model and adapter file validation', () => {
  let dir: string;
  let fixture: FixtureFiles;
  let base: BaseModelSummary;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tandem-validate-'));
    fixture = await writeFixtureModel(dir, { preset: 'tiny', seed: 3 });
    const result = await validateBaseModelFile(fixture.modelPath);
    assert.ok(result.ok);
    base = result.value;
  });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('summarises a good base model and accepts both of its adapters', async () => {
    assert.equal(base.architecture, 'llama');
    assert.equal(base.fixture, true);
    assert.equal(base.blockCount, 2);
    const orchestrator = await validateAdapterFile(fixture.adapters.orchestrator, base);
    assert.ok(orchestrator.ok);
    assert.equal(orchestrator.value.rank, 8);
    assert.ok(orchestrator.value.targets.includes('blk.1.ffn_down.weight'));
    assert.ok((await validateAdapterFile(fixture.adapters.worker, base)).ok);
  });

  it('refuses a file that is not GGUF', async () => {
    const path = join(dir, 'notes.gguf');
    await writeFile(path, 'just some text, not a model');
    const error = problemOf(await validateAdapterFile(path, base));
    assert.equal(error.problem, 'not_gguf');
    assert.match(error.message, /"notes\.gguf" is not a GGUF adapter file/);
    assert.equal(problemOf(await validateBaseModelFile(path)).problem, 'not_gguf');
  });

  it('refuses a base model offered as an adapter, and an adapter offered as a base model', async () => {
    const asAdapter = problemOf(await validateAdapterFile(fixture.modelPath, base));
    assert.equal(asAdapter.problem, 'not_an_adapter');
    assert.match(asAdapter.message, /general\.type is "model", expected "adapter"/);
    const asModel = problemOf(await validateBaseModelFile(fixture.adapters.worker));
    assert.equal(asModel.problem, 'not_a_model');
    assert.match(asModel.message, /is a LoRA adapter, not a base model/);
  });

  it('refuses an adapter made for another architecture', async () => {
    const path = join(dir, 'qwen-adapter.gguf');
    await writeGgufFile(path, {
      metadata: [['general.architecture', gguf.str('qwen2')], ['general.type', gguf.str('adapter')], ['adapter.type', gguf.str('lora')]],
      tensors: [
        { name: 'blk.0.attn_q.weight.lora_a', shape: [64, 4], type: GgmlType.F32, data: () => new Uint8Array(64 * 4 * 4) },
        { name: 'blk.0.attn_q.weight.lora_b', shape: [4, 64], type: GgmlType.F32, data: () => new Uint8Array(4 * 64 * 4) },
      ],
    });
    const error = problemOf(await validateAdapterFile(path, base));
    assert.equal(error.problem, 'wrong_architecture');
    assert.match(error.message, /made for the qwen2 architecture, but the base model .* is llama/);
  });

  it('refuses an adapter whose shapes or tensor names do not fit the base model', async () => {
    const wrongShape = join(dir, 'wrong-shape.gguf');
    await writeFixtureAdapter(wrongShape, { name: 'x', seed: 1, rank: 4, alpha: 8, targets: [['blk.0.attn_q', [128, 64]]] });
    const shapeError = problemOf(await validateAdapterFile(wrongShape, base));
    assert.equal(shapeError.problem, 'tensor_mismatch');
    assert.match(shapeError.message, /blk\.0\.attn_q\.weight is \[64, 64\] in the base model, but lora_a is \[128, 4\]/);

    const wrongName = join(dir, 'wrong-name.gguf');
    await writeFixtureAdapter(wrongName, { name: 'x', seed: 1, rank: 4, alpha: 8, targets: [['blk.5.attn_q', [64, 64]]] });
    const nameError = problemOf(await validateAdapterFile(wrongName, base));
    assert.equal(nameError.problem, 'tensor_mismatch');
    assert.match(nameError.message, /blk\.5\.attn_q\.weight does not exist in the base model/);
  });

  it('refuses a zero-rank adapter, which llama.cpp cannot load', async () => {
    const zero = join(dir, 'zero-rank.gguf');
    await writeFixtureAdapter(zero, { name: 'x', seed: 1, rank: 0, alpha: 0, targets: [['blk.0.attn_q', [64, 64]]] });
    const error = problemOf(await validateAdapterFile(zero, base));
    assert.equal(error.problem, 'tensor_mismatch');
    assert.match(error.message, /blk\.0\.attn_q\.weight has rank 0/);
  });

  it('refuses a truncated base model, cut in its data or in its header', async () => {
    const bytes = await readFile(fixture.modelPath);
    const cutData = join(dir, 'cut-data.gguf');
    await writeFile(cutData, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const dataError = problemOf(await validateBaseModelFile(cutData));
    assert.equal(dataError.problem, 'truncated');
    assert.match(dataError.message, /"cut-data\.gguf" is truncated: it is \d+ bytes but its tensors need \d+/);

    const cutHeader = join(dir, 'cut-header.gguf');
    await writeFile(cutHeader, bytes.subarray(0, 300));
    assert.equal(problemOf(await validateBaseModelFile(cutHeader)).problem, 'truncated');
  });

  it('reports a missing file as unreadable rather than throwing', async () => {
    const error = problemOf(await validateBaseModelFile(join(dir, 'nowhere.gguf')));
    assert.equal(error.problem, 'unreadable');
    assert.match(error.message, /ENOENT/);
  });
});

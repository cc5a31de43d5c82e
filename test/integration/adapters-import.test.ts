// `tandem adapters import` against files the upstream tools made (../shared/interop/llama-tiny): the GGUF
// written from PEFT's folder has the tensors llama.cpp's own converter wrote, registers inactive, and on
// base.gguf in node-llama-cpp gives transformers' greedy continuation for every prompt. What cannot be
// converted faithfully is refused by name, and leaves nothing registered.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LlamaModel, Token } from 'node-llama-cpp';
import type { AdapterInfo } from '../../daemon/src/protocol/types.js';
import { AdapterService } from '../../daemon/src/services/adapter-service.js';
import { tandemPaths } from '../../daemon/src/paths.js';
import { readGgufFile, type GgufFile } from '../../daemon/src/runtime/gguf-reader.js';
import { startLlama, type LlamaBackend } from '../../daemon/src/runtime/llama-backend.js';
import { GgmlType } from '../../daemon/src/runtime/gguf-format.js';
import { gguf, writeGgufFile } from '../../daemon/src/runtime/gguf-writer.js';
import { convertPeftAdapter } from '../../daemon/src/runtime/peft-to-gguf.js';
import { interopFile, readExpected } from './helpers/llama-tiny.js';
import { buildOnce, makeTandemHome, type TandemHome } from './support/tandem-cli.js';

const BASE = interopFile('base.gguf');
const PEFT = interopFile('peft-adapter');

function tensorBytes(path: string, file: GgufFile): Map<string, { shape: number[]; type: number; bytes: Buffer }> {
  const data = readFileSync(path);
  return new Map(file.tensors.map((t) => {
    const size = t.shape.reduce((a, b) => a * b, 1) * 4;
    return [t.name, { shape: t.shape, type: t.type, bytes: data.subarray(file.dataOffset + t.offset, file.dataOffset + t.offset + size) }];
  }));
}

describe('adapters import: a PEFT LoRA folder from the upstream tools', () => {
  let scratch: string;
  before(() => { scratch = mkdtempSync(join(tmpdir(), 'tandem-import-')); });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it("writes the tensors llama.cpp's convert_lora_to_gguf.py wrote: same names, shapes and values, alpha and type", async () => {
    const out = join(scratch, 'converted.gguf');
    await convertPeftAdapter(PEFT, BASE, out);
    const [mine, theirs] = [await readGgufFile(out), await readGgufFile(interopFile('adapter.gguf'))];
    for (const key of ['general.architecture', 'general.type', 'adapter.type', 'adapter.lora.alpha']) {
      assert.equal(mine.metadata.get(key), theirs.metadata.get(key), key);
    }
    const [a, b] = [tensorBytes(out, mine), tensorBytes(interopFile('adapter.gguf'), theirs)];
    assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
    assert.equal(a.size, 28);
    for (const [name, tensor] of a) {
      const reference = b.get(name)!;
      assert.deepEqual(tensor.shape, reference.shape, name);
      assert.equal(tensor.type, reference.type, name);
      assert.ok(tensor.bytes.equals(reference.bytes), `${name}: the values differ`);
    }
  });

  describe('through the CLI, on base.gguf', () => {
    let home: TandemHome;
    let imported: AdapterInfo;
    before(async function () {
      buildOnce();
      home = makeTandemHome();
      home.env.TANDEM_MODEL = BASE;
      const run = await home.tandemJson<AdapterInfo>('adapters', 'import', PEFT, '--role', 'worker');
      assert.equal(run.code, 0, run.stderr);
      imported = run.json;
    });
    after(() => home?.remove());

    it('registers the next version, not active', async () => {
      assert.equal(imported.version, 1);
      assert.equal(imported.active, false);
      const listed = await home.tandemJson<AdapterInfo[]>('adapters', 'list', '--role', 'worker');
      assert.deepEqual(listed.json.map((a) => [a.version, a.active]), [[1, false]]);
    });

    it("gives transformers' greedy continuation with the adapter for every prompt", async () => {
      const expected = readExpected();
      const backend: LlamaBackend = await startLlama(1);
      let model: LlamaModel | null = null;
      try {
        model = await backend.llama.loadModel({ modelPath: BASE });
        for (const [i, prompt] of expected.prompts.entries()) {
          const context = await model.createContext({ contextSize: 256, sequences: 1, lora: { adapters: [{ filePath: imported.path }] } });
          try {
            const generated: Token[] = [];
            for await (const token of context.getSequence().evaluate(prompt.ids as Token[], { temperature: 0, yieldEogToken: true })) {
              generated.push(token);
              if (generated.length === prompt.lora.ids.length) break;
            }
            assert.deepEqual(generated, prompt.lora.ids, `prompt ${i}`);
          } finally {
            await context.dispose();
          }
        }
      } finally {
        await model?.dispose();
        await backend.llama.dispose();
      }
    });
  });

  describe('refuses what it cannot convert faithfully, registering nothing', () => {
    let home: string;
    let service: AdapterService;
    before(() => {
      home = mkdtempSync(join(tmpdir(), 'tandem-import-home-'));
      service = new AdapterService(tandemPaths({ TANDEM_HOME: home }), { TANDEM_HOME: home, TANDEM_MODEL: BASE });
    });
    after(() => rmSync(home, { recursive: true, force: true }));

    const variant = (name: string, change: (config: Record<string, unknown>) => void): string => {
      const dir = join(scratch, name);
      cpSync(PEFT, dir, { recursive: true });
      const config = JSON.parse(readFileSync(join(dir, 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
      change(config);
      writeFileSync(join(dir, 'adapter_config.json'), JSON.stringify(config));
      return dir;
    };
    const cases: [string, (c: Record<string, unknown>) => void, RegExp][] = [
      ['dora', (c) => { c.use_dora = true; }, /DoRA/],
      ['rslora', (c) => { c.use_rslora = true; }, /rank-stabilized/],
      ['modules-to-save', (c) => { c.modules_to_save = ['lm_head']; }, /modules_to_save: lm_head/],
      ['embedding', (c) => { c.target_modules = ['q_proj', 'embed_tokens']; }, /embedding or output layer \(embed_tokens\)/],
      ['not-lora', (c) => { c.peft_type = 'IA3'; }, /IA3/],
    ];
    for (const [name, change, message] of cases) {
      it(`${name}: a clear error`, async () => {
        await assert.rejects(service.import('worker', variant(name, change), false), message);
        assert.deepEqual(service.list(), []);
      });
    }

    /** A llama GGUF header with the given block weights (zeros): what the converter checks shapes against. */
    const baseWith = async (name: string, embedding: number, layers: number): Promise<AdapterService> => {
      const path = join(scratch, `${name}.gguf`);
      const tensors = Array.from({ length: layers }, (_, layer) => Object.entries({ attn_q: [embedding, embedding], attn_k: [embedding, embedding / 2], attn_v: [embedding, embedding / 2], attn_output: [embedding, embedding], ffn_gate: [embedding, 128], ffn_up: [embedding, 128], ffn_down: [128, embedding] })
        .map(([weight, shape]) => ({ name: `blk.${layer}.${weight}.weight`, shape, type: GgmlType.F32, data: () => new Uint8Array(shape[0]! * shape[1]! * 4) }))).flat();
      await writeGgufFile(path, {
        metadata: [['general.architecture', gguf.str('llama')], ['llama.attention.head_count', gguf.u32(4)], ['llama.attention.head_count_kv', gguf.u32(2)]],
        tensors,
      });
      const otherHome = join(scratch, `${name}-home`);
      return new AdapterService(tandemPaths({ TANDEM_HOME: otherHome }), { TANDEM_HOME: otherHome, TANDEM_MODEL: path });
    };

    it('a base model of another shape: names the tensor and both shapes', async () => {
      const other = await baseWith('wider', 96, 2);
      await assert.rejects(other.import('worker', PEFT, false), /another shape: blk\.0\.\w+\.weight is \[\d+, \d+\] \(out, in\)/);
      assert.deepEqual(other.list(), []);
    });

    it('a target module the base model lacks: names it', async () => {
      const other = await baseWith('one-layer', 64, 1);
      await assert.rejects(other.import('worker', PEFT, false), /blk\.1\.\w+\.weight\), which the base model one-layer\.gguf does not have/);
      assert.deepEqual(other.list(), []);
    });

    it('a folder without the PEFT files: says what it needs', async () => {
      await assert.rejects(service.import('worker', scratch, false), /needs adapter_config\.json and adapter_model\.safetensors/);
    });
  });
});

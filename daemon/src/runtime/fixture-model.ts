// Writes the project's own test model: a llama-architecture GGUF with random seeded weights,
// a byte-fallback vocabulary with ChatML tokens, and a LoRA adapter per role (orchestrator, worker, critic).
// The same preset and seed give byte-identical files. Its output is random and means nothing.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Role } from '../protocol/types.js';
import { writeFixtureAdapter } from './fixture-adapter.js';
import { FIXTURE_DIMS, FIXTURE_METADATA_KEY, blockWeightShapes, type FixtureDims, type FixturePreset } from './fixture-presets.js';
import { CHATML_TEMPLATE, buildFixtureVocab } from './fixture-vocab.js';
import { GgmlType } from './gguf-format.js';
import { gguf, writeGgufFile, type GgufTensorSource, type GgufWriteInput } from './gguf-writer.js';
import { SeededRandom, constantF32 } from './seeded-random.js';

export interface FixtureOptions {
  preset?: FixturePreset;
  seed?: number;
}

export interface FixtureFiles {
  modelPath: string;
  adapters: Record<Role, string>;
}

export async function writeFixtureModel(outDir: string, options: FixtureOptions = {}): Promise<FixtureFiles> {
  const preset = options.preset ?? 'tiny';
  const seed = options.seed ?? 1;
  const dims = FIXTURE_DIMS[preset];
  await mkdir(outDir, { recursive: true });
  const modelPath = join(outDir, `tandem-fixture-${preset}.gguf`);
  await writeGgufFile(modelPath, fixtureModelContents(preset, seed, dims));

  const targets = adapterTargets(dims);
  const adapters = {
    orchestrator: join(outDir, `tandem-fixture-${preset}.orchestrator.lora.gguf`),
    worker: join(outDir, `tandem-fixture-${preset}.worker.lora.gguf`),
    critic: join(outDir, `tandem-fixture-${preset}.critic.lora.gguf`),
  };
  // The index seeds each adapter: a new role goes last, so the earlier files stay byte-identical.
  for (const [index, role] of (['orchestrator', 'worker', 'critic'] as const).entries()) {
    const rank = dims.ranks[role];
    await writeFixtureAdapter(adapters[role], { name: `tandem-fixture-${role}`, seed: seed * 31 + index + 1, rank, alpha: 2 * rank, targets });
  }
  return { modelPath, adapters };
}

function fixtureModelContents(preset: FixturePreset, seed: number, dims: FixtureDims): GgufWriteInput {
  const vocab = buildFixtureVocab();
  const e = dims.embedding;
  const v = vocab.tokens.length;
  const random = (name: string, shape: number[]): GgufTensorSource => ({
    name, shape, type: GgmlType.F32,
    // Scaled by the input width so activations keep roughly unit variance through the layers.
    data: () => SeededRandom.forName(seed, name).uniformF32(shape[0]! * (shape[1] ?? 1), shape.length === 1 ? 1 : Math.sqrt(3 / shape[0]!)),
  });
  const ones = (name: string, shape: number[]): GgufTensorSource => ({ name, shape, type: GgmlType.F32, data: () => constantF32(shape[0]!, 1) });

  const tensors: GgufTensorSource[] = [random('token_embd.weight', [e, v])];
  for (let block = 0; block < dims.layers; block++) {
    for (const [name, shape] of Object.entries(blockWeightShapes(dims))) {
      const full = `blk.${block}.${name}.weight`;
      tensors.push(name.endsWith('_norm') ? ones(full, shape) : random(full, shape));
    }
  }
  tensors.push(ones('output_norm.weight', [e]), random('output.weight', [e, v]));

  return {
    metadata: [
      ['general.architecture', gguf.str('llama')],
      ['general.type', gguf.str('model')],
      ['general.name', gguf.str(`tandem-fixture-${preset}`)],
      ['general.file_type', gguf.u32(0)], // all F32
      [FIXTURE_METADATA_KEY, gguf.bool(true)],
      ['llama.context_length', gguf.u32(dims.contextLength)],
      ['llama.embedding_length', gguf.u32(e)],
      ['llama.block_count', gguf.u32(dims.layers)],
      ['llama.feed_forward_length', gguf.u32(dims.feedForward)],
      ['llama.attention.head_count', gguf.u32(dims.heads)],
      ['llama.attention.head_count_kv', gguf.u32(dims.kvHeads)],
      ['llama.attention.layer_norm_rms_epsilon', gguf.f32(1e-5)],
      ['llama.rope.dimension_count', gguf.u32(e / dims.heads)],
      ['llama.rope.freq_base', gguf.f32(10000)],
      ['llama.vocab_size', gguf.u32(v)],
      ['tokenizer.ggml.model', gguf.str('llama')],
      ['tokenizer.ggml.pre', gguf.str('default')],
      ['tokenizer.ggml.tokens', gguf.strings(vocab.tokens)],
      ['tokenizer.ggml.scores', gguf.f32s(vocab.scores)],
      ['tokenizer.ggml.token_type', gguf.i32s(vocab.types)],
      ['tokenizer.ggml.bos_token_id', gguf.u32(vocab.ids.bos)],
      ['tokenizer.ggml.eos_token_id', gguf.u32(vocab.ids.imEnd)],
      ['tokenizer.ggml.unknown_token_id', gguf.u32(vocab.ids.unknown)],
      ['tokenizer.ggml.padding_token_id', gguf.u32(vocab.ids.eos)],
      ['tokenizer.ggml.add_bos_token', gguf.bool(false)],
      ['tokenizer.chat_template', gguf.str(CHATML_TEMPLATE)],
    ],
    tensors,
  };
}

/** The adapters change the query and value projections, the feed-forward output and the logits of every block. */
function adapterTargets(dims: FixtureDims): [string, number[]][] {
  const shapes = blockWeightShapes(dims);
  const targets: [string, number[]][] = [];
  for (let block = 0; block < dims.layers; block++) {
    for (const name of ['attn_q', 'attn_v', 'ffn_down']) targets.push([`blk.${block}.${name}`, shapes[name]!]);
  }
  targets.push(['output', [dims.embedding, buildFixtureVocab().tokens.length]]);
  return targets;
}

// Writes the project's own test model: a llama- (or qwen2-) architecture GGUF with random seeded
// weights, and a LoRA adapter per role (orchestrator, worker, critic). Its vocabulary is the project's
// toy one (byte fallback, ChatML tokens) or a real model's tokenizer and chat template (fixture-tokenizer.ts).
// The same preset, seed and vocabulary give byte-identical files. Its output is random and means nothing.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Role } from '../protocol/types.js';
import { writeFixtureAdapter } from './fixture-adapter.js';
import { FIXTURE_DIMS, FIXTURE_METADATA_KEY, blockWeightShapes, type FixtureDims, type FixturePreset } from './fixture-presets.js';
import type { FixtureTokenizer } from './fixture-tokenizer.js';
import { CHATML_TEMPLATE, buildFixtureVocab } from './fixture-vocab.js';
import { GgmlType, type GgufValue } from './gguf-format.js';
import { gguf, writeGgufFile, type GgufTensorSource, type GgufWriteInput } from './gguf-writer.js';
import { SeededRandom, constantF32 } from './seeded-random.js';

export type FixtureArch = 'llama' | 'qwen2';
export const FIXTURE_ARCHS: readonly FixtureArch[] = ['llama', 'qwen2'];

export interface FixtureOptions {
  preset?: FixturePreset;
  seed?: number;
  /** A real model's tokenizer and chat template; the toy vocabulary when absent. */
  tokenizer?: FixtureTokenizer;
  /** qwen2 adds the biases of the attention projections Qwen2 models have. */
  arch?: FixtureArch;
}

export interface FixtureFiles {
  modelPath: string;
  adapters: Record<Role, string>;
}

export async function writeFixtureModel(outDir: string, options: FixtureOptions = {}): Promise<FixtureFiles> {
  const preset = options.preset ?? 'tiny';
  const seed = options.seed ?? 1;
  const arch = options.arch ?? 'llama';
  const dims = FIXTURE_DIMS[preset];
  const vocabulary = options.tokenizer ?? toyTokenizer();
  // The toy vocabulary on llama keeps the names it always had; anything else says what it is made of.
  const name = options.tokenizer || arch !== 'llama' ? `tandem-fixture-${preset}-${arch}-${vocabulary.label}` : `tandem-fixture-${preset}`;
  await mkdir(outDir, { recursive: true });
  const modelPath = join(outDir, `${name}.gguf`);
  await writeGgufFile(modelPath, fixtureModelContents(name, arch, seed, dims, vocabulary));

  const targets = adapterTargets(dims, vocabulary.vocabSize);
  const adapters = {
    orchestrator: join(outDir, `${name}.orchestrator.lora.gguf`),
    worker: join(outDir, `${name}.worker.lora.gguf`),
    critic: join(outDir, `${name}.critic.lora.gguf`),
  };
  // The index seeds each adapter: a new role goes last, so the earlier files stay byte-identical.
  for (const [index, role] of (['orchestrator', 'worker', 'critic'] as const).entries()) {
    const rank = dims.ranks[role];
    await writeFixtureAdapter(adapters[role], { name: `tandem-fixture-${role}`, arch, seed: seed * 31 + index + 1, rank, alpha: 2 * rank, targets });
  }
  return { modelPath, adapters };
}

function fixtureModelContents(name: string, arch: FixtureArch, seed: number, dims: FixtureDims, vocabulary: FixtureTokenizer): GgufWriteInput {
  const e = dims.embedding;
  const v = vocabulary.vocabSize;
  const random = (tensor: string, shape: number[]): GgufTensorSource => ({
    name: tensor, shape, type: GgmlType.F32,
    // Scaled by the input width so activations keep roughly unit variance through the layers.
    data: () => SeededRandom.forName(seed, tensor).uniformF32(shape[0]! * (shape[1] ?? 1), shape.length === 1 ? 1 : Math.sqrt(3 / shape[0]!)),
  });
  const ones = (tensor: string, shape: number[]): GgufTensorSource => ({ name: tensor, shape, type: GgmlType.F32, data: () => constantF32(shape[0]!, 1) });
  const small = (tensor: string, shape: number[]): GgufTensorSource => ({ name: tensor, shape, type: GgmlType.F32, data: () => SeededRandom.forName(seed, tensor).uniformF32(shape[0]!, 0.1) });

  const tensors: GgufTensorSource[] = [random('token_embd.weight', [e, v])];
  const shapes = blockWeightShapes(dims);
  for (let block = 0; block < dims.layers; block++) {
    for (const [weight, shape] of Object.entries(shapes)) {
      const full = `blk.${block}.${weight}.weight`;
      tensors.push(weight.endsWith('_norm') ? ones(full, shape) : random(full, shape));
    }
    if (arch === 'qwen2') {
      for (const projection of ['attn_q', 'attn_k', 'attn_v']) tensors.push(small(`blk.${block}.${projection}.bias`, [shapes[projection]![1]!]));
    }
  }
  tensors.push(ones('output_norm.weight', [e]), random('output.weight', [e, v]));

  const key = (suffix: string): string => `${arch}.${suffix}`;
  return {
    metadata: [
      ['general.architecture', gguf.str(arch)],
      ['general.type', gguf.str('model')],
      ['general.name', gguf.str(name)],
      ['general.file_type', gguf.u32(0)], // all F32
      [FIXTURE_METADATA_KEY, gguf.bool(true)],
      [key('context_length'), gguf.u32(dims.contextLength)],
      [key('embedding_length'), gguf.u32(e)],
      [key('block_count'), gguf.u32(dims.layers)],
      [key('feed_forward_length'), gguf.u32(dims.feedForward)],
      [key('attention.head_count'), gguf.u32(dims.heads)],
      [key('attention.head_count_kv'), gguf.u32(dims.kvHeads)],
      [key('attention.layer_norm_rms_epsilon'), gguf.f32(1e-5)],
      [key('rope.dimension_count'), gguf.u32(e / dims.heads)],
      [key('rope.freq_base'), gguf.f32(10000)],
      [key('vocab_size'), gguf.u32(v)],
      ...vocabulary.metadata,
    ],
    tensors,
  };
}

/** The project's own toy vocabulary, as the tokenizer metadata a real model carries. */
function toyTokenizer(): FixtureTokenizer {
  const vocab = buildFixtureVocab();
  const metadata: [string, GgufValue][] = [
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
  ];
  return { label: 'toy', vocabSize: vocab.tokens.length, metadata };
}

/** The adapters change the query and value projections, the feed-forward output and the logits of every block. */
export function adapterTargets(dims: FixtureDims, vocabSize: number): [string, number[]][] {
  const shapes = blockWeightShapes(dims);
  const targets: [string, number[]][] = [];
  for (let block = 0; block < dims.layers; block++) {
    for (const name of ['attn_q', 'attn_v', 'ffn_down']) targets.push([`blk.${block}.${name}`, shapes[name]!]);
  }
  targets.push(['output', [dims.embedding, vocabSize]]);
  return targets;
}

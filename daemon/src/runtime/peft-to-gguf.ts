// PEFT LoRA folder -> GGUF LoRA adapter, the way llama.cpp's convert_lora_to_gguf.py writes one:
// tensor names mapped to llama.cpp's (`blk.N.attn_q.weight.lora_a`), A and B kept in torch's row-major
// order (so ggml sees lora_a as [in, r] and lora_b as [r, out]), and for the llama family the rows of
// q_proj's and k_proj's B permuted as convert_hf_to_gguf.py permutes the base q/k weights for RoPE.
// Only `adapter.lora.alpha` is stored: llama.cpp reads the rank from lora_a and scales by alpha/rank,
// as PEFT does. Values are written as F32 (F16 and BF16 widen exactly).
// The base model's GGUF header is the reference: every target must exist there with a matching shape.
import { basename, join } from 'node:path';
import { GgmlType } from './gguf-format.js';
import { readGgufFile, type GgufFile } from './gguf-reader.js';
import { gguf, writeGgufFile, type GgufTensorSource } from './gguf-writer.js';
import { PEFT_WEIGHTS_FILE, PeftImportError, readPeftConfig } from './peft-config.js';
import { SafetensorsError, SafetensorsFile, type SafetensorsTensor } from './safetensors-reader.js';

/** HF module name -> llama.cpp tensor name inside a block, for the families Tandem converts. */
const MODULE_NAMES: Record<string, string> = {
  q_proj: 'attn_q', k_proj: 'attn_k', v_proj: 'attn_v', o_proj: 'attn_output',
  gate_proj: 'ffn_gate', up_proj: 'ffn_up', down_proj: 'ffn_down',
};
/** Architectures whose q/k weights convert_hf_to_gguf.py permutes (RoPE in GPT-J layout). Qwen2 uses NeoX RoPE and is not permuted. */
const PERMUTES_QK: Record<string, boolean> = { llama: true, qwen2: false, qwen3: false };

const LORA_TENSOR = /^base_model\.model\.(?:model\.)?layers\.(\d+)\.(?:self_attn|mlp)\.(\w+)\.lora_([AB])(?:\.default)?\.weight$/;

export interface ConvertedAdapter {
  path: string;
  architecture: string;
  alpha: number;
  rank: number;
  /** Base weights the adapter changes, in llama.cpp's names. */
  targets: string[];
}

interface Pair { target: string; module: string; a?: SafetensorsTensor; b?: SafetensorsTensor }

export async function convertPeftAdapter(dir: string, baseModelPath: string, outPath: string): Promise<ConvertedAdapter> {
  const config = readPeftConfig(dir);
  const base = await readGgufFile(baseModelPath);
  const architecture = String(base.metadata.get('general.architecture') ?? '');
  if (!(architecture in PERMUTES_QK)) {
    throw new PeftImportError('unsupported_architecture', `the base model ${basename(baseModelPath)} is ${architecture || 'of no known architecture'}; PEFT import converts ${Object.keys(PERMUTES_QK).join(', ')} models`);
  }
  let weights: SafetensorsFile;
  try {
    weights = SafetensorsFile.open(join(dir, PEFT_WEIGHTS_FILE));
  } catch (error) {
    if (error instanceof SafetensorsError) throw new PeftImportError('unreadable', error.message);
    throw error;
  }
  try {
    const pairs = pairTensors(weights.tensors);
    const shapes = new Map(base.tensors.map((t) => [t.name, t.shape]));
    const tensors: GgufTensorSource[] = [];
    let rank = 0;
    for (const pair of pairs) {
      const { a, b } = pair as Required<Pair>;
      const weight = shapes.get(pair.target);
      if (!weight) throw new PeftImportError('missing_target', `the adapter changes ${pair.module} of ${pair.target.split('.').slice(0, 2).join('.')} (${pair.target}), which the base model ${basename(baseModelPath)} does not have`);
      const [nIn, nOut] = weight as [number, number];
      const [r, aIn] = a.shape as [number, number];
      const [bOut, bRank] = b.shape as [number, number];
      if (a.shape.length !== 2 || b.shape.length !== 2 || aIn !== nIn || bOut !== nOut || bRank !== r) {
        throw new PeftImportError('shape_mismatch', `the adapter was trained on a base model of another shape: ${pair.target} is [${nOut}, ${nIn}] (out, in) in ${basename(baseModelPath)}, but lora_A is [${a.shape.join(', ')}] and lora_B [${b.shape.join(', ')}]`);
      }
      rank = Math.max(rank, r);
      const permute = PERMUTES_QK[architecture] && (pair.module === 'q_proj' || pair.module === 'k_proj');
      const heads = permute ? headsFor(base, architecture, pair.module) : 0;
      tensors.push({ name: `${pair.target}.lora_a`, shape: [nIn, r], type: GgmlType.F32, data: () => bytesOf(weights.readFloat32(a)) });
      tensors.push({
        name: `${pair.target}.lora_b`, shape: [r, nOut], type: GgmlType.F32,
        data: () => bytesOf(permute ? permuteRows(weights.readFloat32(b), nOut, r, heads) : weights.readFloat32(b)),
      });
    }
    await writeGgufFile(outPath, {
      metadata: [
        ['general.architecture', gguf.str(architecture)],
        ['general.type', gguf.str('adapter')],
        ['adapter.type', gguf.str('lora')],
        ['general.name', gguf.str(basename(dir))],
        ['adapter.lora.alpha', gguf.f32(config.alpha)],
      ],
      tensors,
    });
    return { path: outPath, architecture, alpha: config.alpha, rank, targets: pairs.map((p) => p.target) };
  } finally {
    weights.close();
  }
}

/** Every tensor must be a lora_A or lora_B of a module Tandem maps, and come with its partner. */
function pairTensors(tensors: SafetensorsTensor[]): Pair[] {
  const pairs = new Map<string, Pair>();
  for (const tensor of tensors) {
    const match = LORA_TENSOR.exec(tensor.name);
    if (!match) throw unexpectedTensor(tensor.name);
    const [, layer, module, side] = match as unknown as [string, string, string, 'A' | 'B'];
    const mapped = MODULE_NAMES[module];
    if (!mapped) throw new PeftImportError('missing_target', `the adapter targets ${module} (tensor ${tensor.name}), a module Tandem cannot map to llama.cpp's tensors (it maps ${Object.keys(MODULE_NAMES).join(', ')})`);
    const target = `blk.${layer}.${mapped}.weight`;
    const pair = pairs.get(target) ?? { target, module };
    pair[side === 'A' ? 'a' : 'b'] = tensor;
    pairs.set(target, pair);
  }
  if (pairs.size === 0) throw new PeftImportError('unreadable', `${PEFT_WEIGHTS_FILE} holds no LoRA tensors`);
  for (const pair of pairs.values()) {
    if (!pair.a || !pair.b) throw new PeftImportError('unreadable', `${pair.target}: the adapter has lora_${pair.a ? 'A' : 'B'} but no lora_${pair.a ? 'B' : 'A'}`);
  }
  return [...pairs.values()];
}

function unexpectedTensor(name: string): PeftImportError {
  if (name.includes('lora_magnitude_vector')) return new PeftImportError('dora', `tensor ${name} is a DoRA magnitude vector, which llama.cpp cannot apply`);
  if (name.includes('modules_to_save')) return new PeftImportError('modules_to_save', `tensor ${name} is a whole saved module (modules_to_save), which a LoRA adapter file cannot hold`);
  if (/lora_embedding_[AB]|embed_tokens|lm_head|trainable_tokens/.test(name)) return new PeftImportError('embedding_lora', `tensor ${name} is a LoRA on the embedding or output layer, which Tandem does not convert`);
  if (/\.bias$/.test(name)) return new PeftImportError('lora_bias', `tensor ${name} is a trained bias, which a GGUF LoRA cannot hold`);
  return new PeftImportError('missing_target', `tensor ${name} is not a LoRA weight of a layer Tandem can map`);
}

function headsFor(base: GgufFile, architecture: string, module: string): number {
  const heads = Number(base.metadata.get(`${architecture}.attention.head_count`));
  const kvHeads = Number(base.metadata.get(`${architecture}.attention.head_count_kv`) ?? heads);
  const count = module === 'k_proj' ? kvHeads : heads;
  if (!Number.isInteger(count) || count <= 0) throw new PeftImportError('unsupported_architecture', `the base model names no ${architecture}.attention.head_count, needed to place q/k rows for RoPE`);
  return count;
}

/**
 * convert_hf_to_gguf.py's LlamaModel.permute on the rows of B: within each head, the rows of the
 * first and second half of the head's dimensions are interleaved (reshape(n_head, 2, d/2, r), swap 1 and 2).
 */
export function permuteRows(values: Float32Array, rows: number, columns: number, heads: number): Float32Array {
  const headDim = rows / heads;
  const half = headDim / 2;
  if (!Number.isInteger(half)) throw new PeftImportError('shape_mismatch', `${rows} rows do not split into ${heads} heads of an even size`);
  const out = new Float32Array(values.length);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < half; i++) {
      for (let j = 0; j < 2; j++) {
        const from = (h * headDim + j * half + i) * columns;
        const to = (h * headDim + i * 2 + j) * columns;
        out.set(values.subarray(from, from + columns), to);
      }
    }
  }
  return out;
}

function bytesOf(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}


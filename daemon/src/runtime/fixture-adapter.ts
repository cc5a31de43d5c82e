// Writes a LoRA adapter GGUF for a fixture model: for a base weight [n_in, n_out],
// `<name>.lora_a` is [n_in, r] and `<name>.lora_b` is [r, n_out], applied as scale * alpha / r * B·A.
import { GgmlType } from './gguf-format.js';
import { gguf, writeGgufFile, type GgufTensorSource } from './gguf-writer.js';
import { SeededRandom } from './seeded-random.js';

export interface FixtureAdapterSpec {
  name: string;
  /** The base model's architecture: llama.cpp refuses an adapter made for another. Defaults to llama. */
  arch?: string;
  seed: number;
  rank: number;
  /** alpha = 2 * rank doubles the low-rank update, so the adapter changes outputs clearly. */
  alpha: number;
  /** Base weight names (without `.weight`) and their shapes [n_in, n_out]. */
  targets: [name: string, shape: number[]][];
}

export async function writeFixtureAdapter(path: string, spec: FixtureAdapterSpec): Promise<void> {
  const tensors: GgufTensorSource[] = [];
  for (const [name, [nIn, nOut]] of spec.targets) {
    const a = `${name}.weight.lora_a`;
    const b = `${name}.weight.lora_b`;
    tensors.push({ name: a, shape: [nIn!, spec.rank], type: GgmlType.F32, data: () => SeededRandom.forName(spec.seed, a).uniformF32(nIn! * spec.rank, Math.sqrt(3 / nIn!)) });
    tensors.push({ name: b, shape: [spec.rank, nOut!], type: GgmlType.F32, data: () => SeededRandom.forName(spec.seed, b).uniformF32(spec.rank * nOut!, Math.sqrt(3 / spec.rank)) });
  }
  await writeGgufFile(path, {
    metadata: [
      ['general.architecture', gguf.str(spec.arch ?? 'llama')],
      ['general.type', gguf.str('adapter')],
      ['general.name', gguf.str(spec.name)],
      ['adapter.type', gguf.str('lora')],
      ['adapter.lora.alpha', gguf.f32(spec.alpha)],
    ],
    tensors,
  });
}

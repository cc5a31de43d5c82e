// Checks model and adapter files before llama.cpp sees them. llama.cpp only says "Failed to initialize
// LoRA adapter" (or crashes on a truncated model); here each problem is named so a user can act on it.
// Pure: a file in, a summary or a typed error out. Nothing throws for a bad file.
import { basename } from 'node:path';
import { FIXTURE_METADATA_KEY } from './fixture-presets.js';
import { tensorByteSize } from './gguf-format.js';
import { GgufReadError, readGgufFile, type GgufFile, type GgufMetadataValue } from './gguf-reader.js';

export type ModelFileProblem =
  | 'unreadable' | 'not_gguf' | 'unsupported_version' | 'truncated' | 'corrupt'
  | 'not_a_model' | 'not_an_adapter' | 'wrong_architecture' | 'tensor_mismatch'
  /** The header looked right but llama.cpp still refused the file; the message quotes its log. */
  | 'rejected_by_llama'
  /** The model and both role contexts do not fit in the GPU's memory as the settings ask. */
  | 'does_not_fit';

export interface ModelFileError {
  problem: ModelFileProblem;
  path: string;
  /** One sentence naming the file and what is wrong with it. */
  message: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; error: ModelFileError };

export interface BaseModelSummary {
  path: string;
  architecture: string;
  name: string | null;
  fileSize: number;
  contextLength: number | null;
  blockCount: number | null;
  embeddingLength: number | null;
  /** True for the project's random-weight fixture. */
  fixture: boolean;
  /** Every tensor's shape, in ggml `ne` order; adapters are checked against these. */
  tensorShapes: Map<string, number[]>;
}

export interface AdapterSummary {
  path: string;
  architecture: string;
  name: string | null;
  alpha: number | null;
  rank: number;
  /** Base weights the adapter changes, e.g. "blk.0.attn_q.weight". */
  targets: string[];
}

export async function validateBaseModelFile(path: string): Promise<Validation<BaseModelSummary>> {
  const read = await readHeader(path, 'model');
  if (!read.ok) return read;
  const file = read.value;
  const architecture = text(file, 'general.architecture');
  if (!architecture) return fail('corrupt', path, `${label(path)} is GGUF but names no architecture (general.architecture is missing)`);
  if (text(file, 'general.type') === 'adapter') return fail('not_a_model', path, `${label(path)} is a LoRA adapter, not a base model; add it with \`tandem adapters add\``);
  if (file.tensors.length === 0) return fail('not_a_model', path, `${label(path)} holds no tensors, so it is not a model`);
  const short = checkComplete(path, file);
  if (short) return short;
  return {
    ok: true,
    value: {
      path, architecture, name: text(file, 'general.name'), fileSize: file.fileSize,
      contextLength: number(file, `${architecture}.context_length`),
      blockCount: number(file, `${architecture}.block_count`),
      embeddingLength: number(file, `${architecture}.embedding_length`),
      fixture: file.metadata.get(FIXTURE_METADATA_KEY) === true,
      tensorShapes: new Map(file.tensors.map((t) => [t.name, t.shape])),
    },
  };
}

export async function validateAdapterFile(path: string, base: BaseModelSummary): Promise<Validation<AdapterSummary>> {
  const read = await readHeader(path, 'adapter');
  if (!read.ok) return read;
  const file = read.value;
  const type = text(file, 'general.type');
  if (type !== 'adapter') return fail('not_an_adapter', path, `${label(path)} is not an adapter: its general.type is ${type ? `"${type}"` : 'missing'}, expected "adapter"`);
  const adapterType = text(file, 'adapter.type');
  if (adapterType !== 'lora') return fail('not_an_adapter', path, `${label(path)} is a "${adapterType ?? 'unknown'}" adapter; only LoRA adapters are supported`);
  const architecture = text(file, 'general.architecture');
  if (architecture !== base.architecture) {
    return fail('wrong_architecture', path, `${label(path)} was made for the ${architecture ?? 'unknown'} architecture, but the base model ${label(base.path)} is ${base.architecture}`);
  }
  const short = checkComplete(path, file);
  if (short) return short;
  const fit = checkTensorsFit(file, base);
  if (!fit.ok) return fail('tensor_mismatch', path, `${label(path)} does not fit the base model ${label(base.path)}: ${fit.problems.slice(0, 3).join('; ')}${fit.problems.length > 3 ? ` (and ${fit.problems.length - 3} more)` : ''}`);
  return { ok: true, value: { path, architecture, name: text(file, 'general.name'), alpha: number(file, 'adapter.lora.alpha'), rank: fit.rank, targets: fit.targets } };
}

/** Every lora_a has its lora_b, names a base weight, and the shapes multiply out to that weight's shape. */
function checkTensorsFit(file: GgufFile, base: BaseModelSummary): { ok: true; rank: number; targets: string[] } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const pairs = new Map<string, { a?: number[]; b?: number[] }>();
  for (const tensor of file.tensors) {
    const match = /^(.+)\.lora_([ab])$/.exec(tensor.name);
    if (!match) { problems.push(`tensor ${tensor.name} is not a lora_a/lora_b tensor`); continue; }
    const pair = pairs.get(match[1]!) ?? {};
    pair[match[2] as 'a' | 'b'] = tensor.shape;
    pairs.set(match[1]!, pair);
  }
  if (pairs.size === 0 && problems.length === 0) problems.push('it holds no LoRA tensors');
  let rank = 0;
  for (const [target, { a, b }] of pairs) {
    const weight = base.tensorShapes.get(target);
    if (!a || !b) { problems.push(`${target} has lora_${a ? 'a' : 'b'} but no lora_${a ? 'b' : 'a'}`); continue; }
    if (!weight) { problems.push(`${target} does not exist in the base model`); continue; }
    const [nIn, nOut = 1] = weight;
    if (a[0] !== nIn || b[1] !== nOut || a[1] !== b[0]) {
      problems.push(`${target} is [${weight.join(', ')}] in the base model, but lora_a is [${a.join(', ')}] and lora_b is [${b.join(', ')}] (expected [${nIn}, r] and [r, ${nOut}])`);
      continue;
    }
    if (a[1] === 0) { problems.push(`${target} has rank 0: its lora_a and lora_b hold no values, and llama.cpp cannot load it`); continue; }
    rank = Math.max(rank, a[1]!);
  }
  return problems.length ? { ok: false, problems } : { ok: true, rank, targets: [...pairs.keys()] };
}

/** A file shorter than its tensor table says is truncated: usually an interrupted download or copy. */
function checkComplete(path: string, file: GgufFile): { ok: false; error: ModelFileError } | null {
  let needed = file.dataOffset;
  for (const tensor of file.tensors) {
    const size = tensorByteSize(tensor.type, tensor.shape);
    if (size !== null) needed = Math.max(needed, file.dataOffset + tensor.offset + size);
  }
  if (needed <= file.fileSize) return null;
  return fail('truncated', path, `${label(path)} is truncated: it is ${file.fileSize} bytes but its tensors need ${needed}; download or copy it again`);
}

async function readHeader(path: string, kind: 'model' | 'adapter'): Promise<Validation<GgufFile>> {
  try {
    return { ok: true, value: await readGgufFile(path) };
  } catch (error) {
    if (error instanceof GgufReadError) {
      const what = error.reason === 'not_gguf' ? `is not a GGUF ${kind} file` : error.reason === 'truncated' ? 'is truncated' : 'is damaged';
      return fail(error.reason, path, `${label(path)} ${what}: ${error.message}`);
    }
    const code = (error as NodeJS.ErrnoException).code;
    return fail('unreadable', path, `${label(path)} cannot be read${code ? ` (${code})` : ''}: ${(error as Error).message}`);
  }
}

export function fail(problem: ModelFileProblem, path: string, message: string): { ok: false; error: ModelFileError } {
  return { ok: false, error: { problem, path, message } };
}

function label(path: string): string {
  return `"${basename(path)}"`;
}

function text(file: GgufFile, key: string): string | null {
  const value: GgufMetadataValue | undefined = file.metadata.get(key);
  return typeof value === 'string' ? value : null;
}

function number(file: GgufFile, key: string): number | null {
  const value = file.metadata.get(key);
  return typeof value === 'number' ? value : null;
}

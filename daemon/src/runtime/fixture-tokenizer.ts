// A real model's tokenizer and chat template for the fixture, read from a GGUF (llama.cpp's
// vocabulary-only `ggml-vocab-*.gguf` files, or any model): every `tokenizer.*` key is copied as it is,
// so the random-weight fixture tokenizes, renders chats and stops exactly as that model would.
import { basename } from 'node:path';
import { GgufValueType, type GgufScalar, type GgufValue } from './gguf-format.js';
import { readGgufFile, type GgufMetadataValue } from './gguf-reader.js';

export interface FixtureTokenizer {
  /** A short name for file names and the model's name: "qwen2" for ggml-vocab-qwen2.gguf. */
  label: string;
  vocabSize: number;
  /** The `tokenizer.*` metadata, typed for the GGUF writer. */
  metadata: [key: string, value: GgufValue][];
}

// The keys llama.cpp reads as numbers other than token ids; everything else numeric is an id (u32).
const ARRAY_TYPES: Record<string, GgufValueType> = {
  'tokenizer.ggml.tokens': GgufValueType.String,
  'tokenizer.ggml.merges': GgufValueType.String,
  'tokenizer.ggml.scores': GgufValueType.Float32,
  'tokenizer.ggml.token_type': GgufValueType.Int32,
};

export async function readFixtureTokenizer(path: string): Promise<FixtureTokenizer> {
  const file = await readGgufFile(path, { maxArrayItems: 10_000_000 });
  const metadata: [string, GgufValue][] = [];
  for (const [key, value] of file.metadata) {
    if (!key.startsWith('tokenizer.')) continue;
    metadata.push([key, typed(key, value)]);
  }
  const tokens = file.metadata.get('tokenizer.ggml.tokens');
  if (!Array.isArray(tokens) || tokens.length === 0) throw new Error(`${path} has no tokenizer (tokenizer.ggml.tokens is missing): pass a model or a vocabulary GGUF`);
  const label = basename(path).replace(/\.gguf$/i, '').replace(/^ggml-vocab-/, '').replace(/[^A-Za-z0-9._-]+/g, '-');
  return { label, vocabSize: tokens.length, metadata };
}

function typed(key: string, value: GgufMetadataValue): GgufValue {
  if (Array.isArray(value)) {
    const itemType = ARRAY_TYPES[key] ?? (typeof value[0] === 'string' ? GgufValueType.String : GgufValueType.Int32);
    return { type: GgufValueType.Array, itemType, value };
  }
  if (typeof value === 'object') throw new Error(`${key}: an array too long to copy`);
  return scalar(value);
}

function scalar(value: GgufScalar): GgufValue {
  if (typeof value === 'string') return { type: GgufValueType.String, value };
  if (typeof value === 'boolean') return { type: GgufValueType.Bool, value };
  if (typeof value === 'bigint') return { type: GgufValueType.Uint64, value };
  return Number.isInteger(value) && value >= 0 ? { type: GgufValueType.Uint32, value } : { type: GgufValueType.Float32, value };
}

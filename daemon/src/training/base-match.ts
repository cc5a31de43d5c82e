// Whether a Hugging Face model is the base the GGUF was converted from: the adapter trained on the one
// is applied to the other, so their shapes must agree. The GGUF side is read from its header; a local
// Hugging Face folder is checked here before any Python starts, and train.py checks again after
// loading (a Hub id has no folder to read).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readGgufFile } from '../runtime/gguf-reader.js';

export interface GgufFacts {
  architecture: string;
  vocab_size: number | null;
  hidden_size: number | null;
  layers: number | null;
}

export async function ggufFacts(path: string): Promise<GgufFacts> {
  const file = await readGgufFile(path, { maxArrayItems: 0 });
  const meta = file.metadata;
  const architecture = String(meta.get('general.architecture') ?? '');
  const num = (key: string) => (typeof meta.get(key) === 'number' ? meta.get(key) as number : typeof meta.get(key) === 'bigint' ? Number(meta.get(key)) : null);
  const tokens = meta.get('tokenizer.ggml.tokens');
  const vocab = Array.isArray(tokens) ? tokens.length : tokens && typeof tokens === 'object' && 'length' in tokens ? tokens.length : null;
  return { architecture, vocab_size: vocab, hidden_size: num(`${architecture}.embedding_length`), layers: num(`${architecture}.block_count`) };
}

/** Null when the folder's config.json agrees with the GGUF (or the base is a Hub id); else what differs. */
export function hfBaseMismatch(base: string, gguf: GgufFacts): string | null {
  const configPath = join(base, 'config.json');
  if (!existsSync(base)) return null; // a Hub id: train.py checks after loading it
  if (!existsSync(configPath)) return `${base} is not a Hugging Face model folder (it has no config.json).`;
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(readFileSync(configPath, 'utf8'));
  } catch (error) {
    return `${configPath} is not valid JSON (${(error as Error).message}).`;
  }
  const have = { vocab_size: config.vocab_size, hidden_size: config.hidden_size, layers: config.num_hidden_layers };
  const wrong = (['vocab_size', 'hidden_size', 'layers'] as const)
    .filter((key) => gguf[key] !== null && have[key] !== gguf[key])
    .map((key) => `${key}: Hugging Face ${String(have[key])}, GGUF ${gguf[key]}`);
  return wrong.length ? `The Hugging Face base ${base} does not match the GGUF (${wrong.join('; ')}); pass the model the GGUF was converted from.` : null;
}

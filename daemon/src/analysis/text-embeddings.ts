// Embeddings of short texts (failure reasons, task descriptions) from the loaded base model, for clustering.
// The runtime already holds the model and its role contexts; an embedding context of its own is made for
// each call and disposed after it, sized small, so the role contexts' KV caches are untouched and nothing
// stays resident between analyses. Vectors are L2-normalised (clustering uses cosine distance) and cached
// by the text's sha256 (bounded, oldest out first): the same model gives the same text the same vector.
import { createHash } from 'node:crypto';
import type { LlamaModel, Token } from 'node-llama-cpp';

export interface TextEmbedderOptions {
  /** Tokens per text; longer texts are cut at the end (failure reasons and task titles are short). */
  contextSize?: number;
  threads?: number;
}

/** Tokens per embedded text by default: enough for a reason or a task title, small enough to cost little memory. */
export const DEFAULT_EMBEDDING_TOKENS = 256;

/** The cache's bound: a daemon lives long, and a 4096-wide vector is 16 KiB. The oldest entries go first. */
const CACHE_BYTES = 64 * 1024 * 1024;

/** What an empty text is embedded as, so it still gets a vector of the model's size. */
const EMPTY_TEXT = '(empty)';

export class TextEmbedder {
  private readonly cache = new Map<string, Float32Array>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly model: LlamaModel, private readonly options: TextEmbedderOptions = {}) {}

  /** The length of every vector this embedder returns. */
  get dimensions(): number {
    return this.model.embeddingVectorSize;
  }

  /** Texts already embedded (for tests and progress messages). */
  get cached(): number {
    return this.cache.size;
  }

  /**
   * One vector per text, in order. Texts seen before (by this embedder) are not evaluated again; identical
   * texts in one call are evaluated once. Calls run one after another. onProgress counts evaluated texts.
   */
  embed(texts: readonly string[], onProgress?: (done: number, total: number) => void): Promise<Float32Array[]> {
    const run = this.queue.then(() => this.embedNow(texts, onProgress));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async embedNow(texts: readonly string[], onProgress?: (done: number, total: number) => void): Promise<Float32Array[]> {
    const keys = texts.map(textKey);
    const missing = new Map<string, string>();
    keys.forEach((key, index) => { if (!this.cache.has(key) && !missing.has(key)) missing.set(key, texts[index]!); });
    // This call's vectors, whatever the cache keeps of them.
    const found = new Map(keys.filter((key) => this.cache.has(key)).map((key) => [key, this.cache.get(key)!]));
    if (missing.size > 0) {
      const contextSize = Math.min(this.options.contextSize ?? DEFAULT_EMBEDDING_TOKENS, this.model.trainContextSize);
      const context = await this.model.createEmbeddingContext({ contextSize, batchSize: contextSize, threads: this.options.threads });
      try {
        let done = 0;
        for (const [key, text] of missing) {
          const embedding = await context.getEmbeddingFor(this.tokensFor(text, contextSize));
          const vector = normalised(embedding.vector);
          found.set(key, vector);
          this.remember(key, vector);
          onProgress?.(++done, missing.size);
        }
      } finally {
        await context.dispose();
      }
    }
    return keys.map((key) => found.get(key)!);
  }

  private remember(key: string, vector: Float32Array): void {
    this.cache.set(key, vector);
    const limit = Math.max(64, Math.floor(CACHE_BYTES / Math.max(1, vector.byteLength)));
    for (const oldest of this.cache.keys()) {
      if (this.cache.size <= limit) break;
      this.cache.delete(oldest);
    }
  }

  /** The text's tokens, cut to leave room for the BOS/EOS tokens node-llama-cpp adds (it refuses inputs that fill the context). */
  private tokensFor(text: string, contextSize: number): Token[] {
    const tokens = this.model.tokenize(text.trim() === '' ? EMPTY_TEXT : text);
    return tokens.slice(0, Math.max(1, contextSize - 3));
  }
}

export function textKey(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Unit length; a zero vector (possible with random weights) stays zero rather than becoming NaN. */
function normalised(vector: readonly number[]): Float32Array {
  const out = Float32Array.from(vector);
  let norm = 0;
  for (const value of out) norm += value * value;
  norm = Math.sqrt(norm);
  if (norm > 0 && Number.isFinite(norm)) for (let i = 0; i < out.length; i++) out[i]! /= norm;
  return out;
}

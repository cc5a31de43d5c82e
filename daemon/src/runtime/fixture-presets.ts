// Sizes of the fixture models. `tiny` keeps tests fast; `bench` is about 100 MB, large enough that
// loading a model costs what it costs in real life; `large` has about 0.72B parameters (2.9 GB in F32),
// the size of a small real coding model, so GPU figures are not dominated by per-call overhead.

import type { Role } from '../protocol/types.js';

/** Marks a fixture in its metadata, so the runtime can say plainly that its output is random. */
export const FIXTURE_METADATA_KEY = 'tandem.fixture';

export interface FixtureDims {
  embedding: number;
  layers: number;
  heads: number;
  kvHeads: number;
  feedForward: number;
  contextLength: number;
  /** LoRA rank of each role's adapter. */
  ranks: Record<Role, number>;
}

export type FixturePreset = 'tiny' | 'bench' | 'large';
export const FIXTURE_PRESETS: readonly FixturePreset[] = ['tiny', 'bench', 'large'];

export const FIXTURE_DIMS: Record<FixturePreset, FixtureDims> = {
  tiny: { embedding: 64, layers: 2, heads: 4, kvHeads: 2, feedForward: 128, contextLength: 4096, ranks: { orchestrator: 8, worker: 4, critic: 4 } },
  bench: { embedding: 512, layers: 8, heads: 8, kvHeads: 2, feedForward: 1664, contextLength: 4096, ranks: { orchestrator: 16, worker: 8, critic: 8 } },
  large: { embedding: 2048, layers: 16, heads: 16, kvHeads: 4, feedForward: 5632, contextLength: 4096, ranks: { orchestrator: 16, worker: 8, critic: 8 } },
};

/** Base weights of one llama block and their shapes in ggml `ne` order ([n_in, n_out]). */
export function blockWeightShapes(dims: FixtureDims): Record<string, number[]> {
  const e = dims.embedding;
  const kv = (e / dims.heads) * dims.kvHeads;
  const f = dims.feedForward;
  return {
    attn_norm: [e], attn_q: [e, e], attn_k: [e, kv], attn_v: [e, kv], attn_output: [e, e],
    ffn_norm: [e], ffn_gate: [e, f], ffn_up: [e, f], ffn_down: [f, e],
  };
}

// How many tokens each role's context gets. Both roles keep a context (KV cache) beside the one model,
// so on a GPU both must fit in the VRAM left after the model's layers. Pure: the VRAM a context of n
// tokens needs comes in as a function (node-llama-cpp's estimate in the runtime, a formula in tests).
import { DEFAULT_CONTEXT_SIZE, MIN_CONTEXT_SIZE, type ContextSizeSetting } from './gpu-settings.js';

export { DEFAULT_CONTEXT_SIZE };
/** Context sizes are tried in these steps (llama.cpp pads the KV cache to 256 anyway). */
const STEP = 256;
/** Part of the free VRAM left unplanned: llama.cpp's compute buffers grow a little past the estimate. */
export const VRAM_HEADROOM = 0.1;

export interface RoleContextSizing {
  setting: ContextSizeSetting;
  /** Tokens the model was trained on: no context is made larger. */
  trainContextSize: number;
  /** Role contexts that must fit at once (two: orchestrator and worker). */
  roles: number;
  /** VRAM free once the model is loaded; null when the contexts do not live in VRAM (CPU, no layer offloaded). */
  freeVramBytes: number | null;
  /** VRAM one role context of this many tokens needs. */
  vramFor(contextSize: number): Promise<number>;
}

export type RoleContextSize =
  | { ok: true; contextSize: number; limitedBy: 'setting' | 'model' | 'vram' }
  | { ok: false; message: string };

export async function chooseRoleContextSize(sizing: RoleContextSizing): Promise<RoleContextSize> {
  const wanted = sizing.setting === 'auto' ? DEFAULT_CONTEXT_SIZE : sizing.setting;
  const capped = Math.min(wanted, sizing.trainContextSize);
  const limitedBy = capped < wanted ? 'model' : 'setting';
  if (sizing.freeVramBytes === null) return { ok: true, contextSize: capped, limitedBy };

  const budget = sizing.freeVramBytes * (1 - VRAM_HEADROOM);
  const fits = async (size: number) => sizing.roles * (await sizing.vramFor(size)) <= budget;
  if (await fits(capped)) return { ok: true, contextSize: capped, limitedBy };

  const floor = Math.min(MIN_CONTEXT_SIZE, capped);
  const largest = await largestFitting(floor, capped, fits);
  const needed = mib(sizing.roles * (await sizing.vramFor(capped)));
  const free = mib(sizing.freeVramBytes);
  if (largest !== null && sizing.setting === 'auto') return { ok: true, contextSize: largest, limitedBy: 'vram' };
  const advice = largest !== null
    ? `set "contextSize" to at most ${largest} (config.json or TANDEM_CONTEXT_SIZE)`
    : `even ${floor}-token contexts do not fit: set "gpuLayers" lower (config.json or TANDEM_GPU_LAYERS) so more of the model stays on the CPU, free VRAM, or use a smaller model`;
  return {
    ok: false,
    message: `The ${sizing.roles} role contexts of ${capped} tokens need about ${needed} MiB of VRAM beside the model, but ${free} MiB is free: ${advice}.`,
  };
}

/** The largest multiple of STEP in [low, high] that fits (fits is monotone: a smaller context needs less), or null. */
async function largestFitting(low: number, high: number, fits: (size: number) => Promise<boolean>): Promise<number | null> {
  if (!(await fits(low))) return null;
  let lo = Math.floor(low / STEP); // fits (low itself counts as fitting below)
  let hi = Math.floor(high / STEP);
  let best = low;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    const size = Math.max(mid * STEP, low);
    if (await fits(size)) {
      best = size;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}

function mib(bytes: number): number {
  return Math.ceil(bytes / 1024 / 1024);
}

// The two memory settings of the runtime: how many model layers go to the GPU, and how many tokens each
// role's context holds. Both come from config.json ("gpuLayers", "contextSize") or the environment
// (TANDEM_GPU_LAYERS, TANDEM_CONTEXT_SIZE, which win); 'auto' lets the runtime size them by free VRAM.

/** 'auto': as many layers as fit beside both role contexts; 'max': all (an error if they do not fit); n: that many. */
export type GpuLayersSetting = 'auto' | 'max' | number;
/** 'auto': the default, lowered on a GPU until both role contexts fit; n: exactly n tokens (an error if they do not fit). */
export type ContextSizeSetting = 'auto' | number;

/** What 'auto' asks for before VRAM is considered: room for real prompts, without reserving memory for nothing. */
export const DEFAULT_CONTEXT_SIZE = 4096;
/** The smallest context a role can work in: a system prompt, a file and an answer. */
export const MIN_CONTEXT_SIZE = 1024;

export function parseGpuLayers(value: unknown, where: string): GpuLayersSetting {
  if (value === 'auto' || value === 'max') return value;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0) return n;
  throw new Error(`${where}: gpuLayers must be "auto", "max" or a whole number of layers (0 keeps the model on the CPU); got ${JSON.stringify(value)}`);
}

export function parseContextSize(value: unknown, where: string): ContextSizeSetting {
  if (value === 'auto') return value;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= MIN_CONTEXT_SIZE) return n;
  throw new Error(`${where}: contextSize must be "auto" or a whole number of tokens of at least ${MIN_CONTEXT_SIZE}; got ${JSON.stringify(value)}`);
}

/** The settings in effect: the environment's, else config.json's, else 'auto'. */
export function memorySettings(config: { gpuLayers?: GpuLayersSetting; contextSize?: ContextSizeSetting }, env: NodeJS.ProcessEnv = process.env): { gpuLayers: GpuLayersSetting; contextSize: ContextSizeSetting } {
  return {
    gpuLayers: env.TANDEM_GPU_LAYERS ? parseGpuLayers(env.TANDEM_GPU_LAYERS, 'TANDEM_GPU_LAYERS') : config.gpuLayers ?? 'auto',
    contextSize: env.TANDEM_CONTEXT_SIZE ? parseContextSize(env.TANDEM_CONTEXT_SIZE, 'TANDEM_CONTEXT_SIZE') : config.contextSize ?? 'auto',
  };
}

/**
 * What node-llama-cpp's loadModel gets as gpuLayers. Its 'auto' fits layers beside one context of the
 * size given; Tandem keeps one context per role and a context's VRAM grows with its tokens, so it is
 * asked to leave room for all of them together. Explicit settings pass through as they are.
 */
export function gpuLayersOption(setting: GpuLayersSetting, contextSize: ContextSizeSetting, roles: number): 'max' | number | { fitContext: { contextSize: number } } {
  if (setting !== 'auto') return setting;
  const perRole = contextSize === 'auto' ? DEFAULT_CONTEXT_SIZE : contextSize;
  return { fitContext: { contextSize: perRole * roles } };
}

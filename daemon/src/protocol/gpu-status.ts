// What the daemon, `tandem status` and `tandem doctor` say about the GPU: which backend llama.cpp runs
// on, how much of the model it holds, and, when the CPU is used, why no GPU was and what fixes it.
// Also the warm-up the daemon does right after loading, so the first task does not pay for it.

/** Why llama.cpp runs on the CPU (or a GPU holds none of the model). */
export type GpuNotUsedReason =
  | 'disabled'              // gpuLayers 0 / TANDEM_GPU_LAYERS=0: the user asked for the CPU
  | 'no-gpu'                // no GPU driver found on this machine
  | 'no-prebuilt'           // node-llama-cpp ships no GPU binary for this platform, or it is not installed
  | 'loader-missing'        // a GPU driver is there, but not the Vulkan loader (libvulkan.so.1)
  | 'driver-refused'        // the loader is there, but the driver would not start (often glvnd missing)
  | 'cuda-runtime-version'  // the CUDA prebuilt needs another CUDA runtime than the one installed
  | 'no-layers-offloaded';  // a GPU backend runs, but no layer was put on it (too little VRAM, or gpuLayers)

export interface GpuNotUsed {
  reason: GpuNotUsedReason;
  /** What happened, in a sentence. */
  message: string;
  /** What the user can do about it; empty when there is nothing to do (no GPU). */
  fix: string;
}

export interface GpuStatus {
  /** 'cuda' | 'vulkan' | 'metal' | 'cpu' */
  backend: string;
  /** GPU devices llama.cpp lists; empty on the CPU, and when a GPU backend silently found none. */
  devices: string[];
  /** Null on the CPU. */
  vram: { totalMb: number; usedMb: number; freeMb: number } | null;
  /** Model layers on the GPU, of layersTotal (llama.cpp counts the output layer as one more). */
  layersOffloaded: number;
  layersTotal: number;
  /** Null when the GPU is used. */
  notUsed: GpuNotUsed | null;
}

export type WarmupState = 'preparing' | 'ready' | 'failed';

export interface WarmupStatus {
  state: WarmupState;
  /** What the status bar says while preparing: "preparing GPU kernels" or its CPU equivalent. */
  label: string;
  /** How long the warm-up took, once done. */
  ms: number | null;
  /** Why it failed; the first task then pays the warm-up itself. */
  error: string | null;
}

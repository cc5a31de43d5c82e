// Starts llama.cpp through node-llama-cpp: a GPU when one is usable, the CPU otherwise. It never
// compiles llama.cpp (build 'never'): a missing prebuilt binary is reported, not built for minutes.
import { getLlama, LlamaLogLevel, type Llama } from 'node-llama-cpp';
import { LlamaLogTail } from './llama-log-tail.js';

export type Backend = 'cuda' | 'vulkan' | 'metal' | 'cpu';

export interface LlamaBackend {
  llama: Llama;
  backend: Backend;
  threads: number;
  log: LlamaLogTail;
  /** What node-llama-cpp warned while choosing a binary (why CUDA or Vulkan was passed over); gpu-diagnosis.ts reads it. */
  startWarnings: string[];
}

export async function startLlama(threads: number): Promise<LlamaBackend> {
  const log = new LlamaLogTail();
  let llama: Llama;
  const startWarnings: string[] = [];
  try {
    llama = await recordingConsoleWarnings(startWarnings, () =>
      getLlama({ gpu: 'auto', build: 'never', maxThreads: threads, logLevel: LlamaLogLevel.warn, logger: log.logger, progressLogs: false }));
  } catch (error) {
    throw new Error(`node-llama-cpp found no usable prebuilt llama.cpp binary for this machine (${(error as Error).message}). Reinstall with \`npm ci\` on a supported platform.`);
  }
  return { llama, backend: llama.gpu === false ? 'cpu' : llama.gpu, threads, log, startWarnings };
}

/**
 * node-llama-cpp says why it passed a GPU binary over only on the console ("The prebuilt binary for
 * Vulkan is not compatible ..., falling back to ..."). Keep those lines (they still reach stderr).
 */
async function recordingConsoleWarnings<T>(into: string[], run: () => Promise<T>): Promise<T> {
  const { warn, error } = console;
  const record = (original: (...args: unknown[]) => void) => (...args: unknown[]) => {
    into.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
    original.apply(console, args);
  };
  console.warn = record(warn);
  console.error = record(error);
  try {
    return await run();
  } finally {
    console.warn = warn;
    console.error = error;
  }
}

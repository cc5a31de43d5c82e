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
}

export async function startLlama(threads: number): Promise<LlamaBackend> {
  const log = new LlamaLogTail();
  let llama: Llama;
  try {
    llama = await getLlama({ gpu: 'auto', build: 'never', maxThreads: threads, logLevel: LlamaLogLevel.warn, logger: log.logger, progressLogs: false });
  } catch (error) {
    throw new Error(`node-llama-cpp found no usable prebuilt llama.cpp binary for this machine (${(error as Error).message}). Reinstall with \`npm ci\` on a supported platform.`);
  }
  return { llama, backend: llama.gpu === false ? 'cpu' : llama.gpu, threads, log };
}

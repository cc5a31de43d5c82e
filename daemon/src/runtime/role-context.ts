// One role's context over the shared base model: its own KV cache and, when it has one, its own
// LoRA adapter. The adapter's weights are loaded into the model once and applied only in this context;
// contexts on the same file share them, and they are freed when the last of those is disposed.
import { basename } from 'node:path';
import { LlamaChat, type LlamaContext, type LlamaModel } from 'node-llama-cpp';
import type { AdapterRef, Role } from '../protocol/types.js';
import type { AdapterLease, LoadedAdapters } from './loaded-adapters.js';
import type { LlamaLogTail } from './llama-log-tail.js';

/** A registered adapter version, as the adapter registry hands it to the runtime. */
export interface AdapterVersion {
  path: string;
  version: number;
  sha256: string;
}

export interface RoleContextOptions {
  contextSize: number;
  threads: number;
  log: LlamaLogTail;
  /** Frees an adapter's weights once the last context using it is disposed. */
  adapters: LoadedAdapters;
}

export class RoleContext {
  constructor(
    readonly adapter: AdapterRef,
    readonly context: LlamaContext,
    readonly chat: LlamaChat,
    private readonly lease: AdapterLease | null = null,
  ) {}

  get sequence() {
    return this.chat.sequence;
  }

  async dispose(): Promise<void> {
    this.chat.dispose({ disposeSequence: true });
    await this.context.dispose();
    // Only now: the context may have been generating with the adapter until its dispose returned.
    await this.lease?.release();
  }
}

export async function createRoleContext(model: LlamaModel, role: Role, adapter: AdapterVersion | null, options: RoleContextOptions): Promise<RoleContext> {
  const mark = options.log.mark();
  const lease = adapter ? options.adapters.lease(adapter.path) : null;
  let context: LlamaContext;
  try {
    context = await model.createContext({
      contextSize: options.contextSize,
      threads: options.threads,
      sequences: 1,
      ...(adapter ? { lora: { adapters: [{ filePath: adapter.path }] } } : {}),
    });
  } catch (error) {
    await lease?.release();
    const reason = options.log.since(mark).join(' / ');
    const what = adapter ? `the ${role} adapter "${basename(adapter.path)}" (version ${adapter.version})` : `the ${role} context`;
    throw new Error(`llama.cpp could not load ${what}: ${reason || (error as Error).message}`);
  }
  const ref: AdapterRef = { role, version: adapter?.version ?? null, sha256: adapter?.sha256 ?? null };
  try {
    return new RoleContext(ref, context, new LlamaChat({ contextSequence: context.getSequence() }), lease);
  } catch (error) {
    // Nothing else holds the new context: free it and its adapter before saying why.
    await context.dispose();
    await lease?.release();
    throw error;
  }
}

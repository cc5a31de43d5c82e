// One role's context over the shared base model: its own KV cache and, when it has one, its own
// LoRA adapter. The adapter's weights are loaded into the model once and applied only in this context;
// contexts on the same file share them, and they are freed when the last of those is disposed.
// Generation runs on token arrays (LlamaCompletion), rendered with the model's chat wrapper, so the
// prompt can carry an earlier answer as the very tokens generated for it (see token-transcript.ts).
import { basename } from 'node:path';
import { LlamaCompletion, resolveChatWrapper, type ChatWrapper, type LlamaContext, type LlamaContextSequence, type LlamaModel } from 'node-llama-cpp';
import type { AdapterRef, Role } from '../protocol/types.js';
import type { AdapterLease, LoadedAdapters } from './loaded-adapters.js';
import type { LlamaLogTail } from './llama-log-tail.js';
import { TokenTranscript } from './token-transcript.js';

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
  /** What this context's KV cache holds; a new context (a new adapter version) starts empty. */
  readonly transcript = new TokenTranscript();

  readonly completion: LlamaCompletion;

  constructor(
    readonly adapter: AdapterRef,
    readonly context: LlamaContext,
    readonly sequence: LlamaContextSequence,
    readonly chatWrapper: ChatWrapper,
    private readonly lease: AdapterLease | null = null,
  ) {
    this.completion = new LlamaCompletion({ contextSequence: sequence });
  }

  get model(): LlamaModel {
    return this.context.model;
  }

  async dispose(): Promise<void> {
    this.completion.dispose({ disposeSequence: true });
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
    // The chat wrapper LlamaChat picks by default ("auto"): the model's own template, or a known family's.
    return new RoleContext(ref, context, context.getSequence(), resolveChatWrapper(model), lease);
  } catch (error) {
    // Nothing else holds the new context: free it and its adapter before saying why.
    await context.dispose();
    await lease?.release();
    throw error;
  }
}

// The LoRA adapters the base model holds in memory, each freed once no role context uses it.
// Why internals: node-llama-cpp (checked against 3.22.1) has no public way to unload an adapter.
// `LlamaModel._getOrLoadLora` caches every adapter it loads in `model._loraAdapters` (resolved path ->
// AddonModelLora) until the model is disposed, so a daemon that hot-swaps versions would grow by one
// adapter per version. The addon object has its own `dispose()` (llama_adapter_lora_free). Both are
// feature-detected: where either is missing, adapters stay loaded as before and that is logged once.
import { resolve } from 'node:path';
import type { LlamaModel } from 'node-llama-cpp';

/** One context's claim on an adapter file, taken before the context loads it. */
export interface AdapterLease {
  readonly path: string;
  /** Call once the context is disposed (or failed to be created); later calls do nothing. */
  release(): Promise<void>;
}

/** What node-llama-cpp 3.22.1's AddonModelLora offers; checked at run time, not trusted. */
interface NativeAdapter {
  readonly disposed: boolean;
  dispose(): Promise<void>;
}

export class LoadedAdapters {
  /** Live leases per resolved adapter path. */
  private readonly leases = new Map<string, number>();
  private warned = false;

  constructor(private readonly model: LlamaModel, private readonly log: (line: string) => void) {}

  /** Claims an adapter file for a context about to be created with it, so it is not freed meanwhile. */
  lease(path: string): AdapterLease {
    // The same key node-llama-cpp uses for its cache.
    const key = resolve(process.cwd(), path);
    this.leases.set(key, (this.leases.get(key) ?? 0) + 1);
    let released = false;
    return {
      path,
      release: async () => {
        if (released) return;
        released = true;
        await this.drop(key);
      },
    };
  }

  /** Adapter files some context holds a lease on. */
  get inUse(): number {
    return this.leases.size;
  }

  /** Adapters the model holds in memory now, or null where node-llama-cpp's cache cannot be read. */
  get loaded(): number | null {
    return this.cache()?.size ?? null;
  }

  private async drop(key: string): Promise<void> {
    const left = (this.leases.get(key) ?? 1) - 1;
    if (left > 0) {
      this.leases.set(key, left);
      return;
    }
    this.leases.delete(key);
    const cache = this.cache();
    const adapter = cache?.get(key);
    if (cache && adapter === undefined) return; // never loaded: the context failed before it got that far
    if (!cache || !isNativeAdapter(adapter)) {
      this.warnOnce();
      return;
    }
    // Out of the cache first, so a context created from now on loads the file afresh, not this one.
    cache.delete(key);
    if (adapter.disposed) return;
    try {
      await adapter.dispose();
    } catch (error) {
      this.log(`could not free the LoRA adapter ${key}: ${(error as Error).message}; it stays in memory until the model is unloaded`);
    }
  }

  private cache(): Map<string, unknown> | null {
    const cache = (this.model as unknown as { _loraAdapters?: unknown })._loraAdapters;
    return cache instanceof Map ? cache : null;
  }

  private warnOnce(): void {
    if (this.warned) return;
    this.warned = true;
    this.log('this node-llama-cpp cannot unload LoRA adapters (its internals changed since 3.22.1): each adapter version stays in memory until the model is unloaded');
  }
}

function isNativeAdapter(value: unknown): value is NativeAdapter {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<NativeAdapter>;
  return typeof candidate.dispose === 'function' && typeof candidate.disposed === 'boolean';
}

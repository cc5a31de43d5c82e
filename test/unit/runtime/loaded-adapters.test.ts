// LoadedAdapters over a fake of node-llama-cpp's adapter cache: what it frees, when, and what it does
// when the internals it relies on are not there. The real cache is exercised in
// test/integration/runtime-adapter-free.test.ts.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import type { LlamaModel } from 'node-llama-cpp';
import { LoadedAdapters } from '../../../daemon/src/runtime/loaded-adapters.js';

class FakeNativeAdapter {
  disposed = false;
  disposals = 0;
  constructor(private readonly failure: string | null = null) {}
  async dispose(): Promise<void> {
    this.disposals++;
    if (this.failure) throw new Error(this.failure);
    this.disposed = true;
  }
}

function fakeModel(cache: unknown): LlamaModel {
  return { _loraAdapters: cache } as unknown as LlamaModel;
}

describe('loaded adapters', () => {
  it('frees an adapter only when its last lease is released, and takes it out of the cache first', async () => {
    const a = new FakeNativeAdapter();
    const b = new FakeNativeAdapter();
    const cache = new Map<string, unknown>([[resolve('a.gguf'), a], [resolve('b.gguf'), b]]);
    const lines: string[] = [];
    const adapters = new LoadedAdapters(fakeModel(cache), (line) => lines.push(line));

    const first = adapters.lease('a.gguf');
    const second = adapters.lease(resolve('a.gguf')); // the same file named another way
    const onB = adapters.lease('b.gguf');
    assert.equal(adapters.inUse, 2);
    assert.equal(adapters.loaded, 2);

    await first.release();
    assert.equal(a.disposals, 0, 'still leased by the second context');
    assert.equal(adapters.loaded, 2);
    await first.release(); // a second release of the same lease counts for nothing
    assert.equal(a.disposals, 0);

    await second.release();
    assert.equal(a.disposals, 1);
    assert.equal(cache.has(resolve('a.gguf')), false, 'a later context loads the file afresh');
    assert.deepEqual([adapters.inUse, adapters.loaded], [1, 1]);
    assert.equal(b.disposals, 0);

    await onB.release();
    assert.deepEqual([adapters.inUse, adapters.loaded, b.disposals], [0, 0, 1]);
    assert.deepEqual(lines, []);
  });

  it('releases a lease on a file that was never loaded without touching the cache', async () => {
    const other = new FakeNativeAdapter();
    const cache = new Map<string, unknown>([[resolve('other.gguf'), other]]);
    const lines: string[] = [];
    const adapters = new LoadedAdapters(fakeModel(cache), (line) => lines.push(line));
    await adapters.lease('broken.gguf').release();
    assert.deepEqual([adapters.inUse, adapters.loaded, other.disposals], [0, 1, 0]);
    assert.deepEqual(lines, []);
  });

  it('keeps adapters loaded and says so once when node-llama-cpp has no cache it can read', async () => {
    const lines: string[] = [];
    const adapters = new LoadedAdapters(fakeModel(undefined), (line) => lines.push(line));
    await adapters.lease('a.gguf').release();
    await adapters.lease('b.gguf').release();
    assert.equal(adapters.loaded, null);
    assert.equal(adapters.inUse, 0);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /cannot unload LoRA adapters.*until the model is unloaded/);
  });

  it('leaves a cached object alone when it has no dispose it knows', async () => {
    const unknownShape = { free: () => undefined };
    const cache = new Map<string, unknown>([[resolve('a.gguf'), unknownShape]]);
    const lines: string[] = [];
    const adapters = new LoadedAdapters(fakeModel(cache), (line) => lines.push(line));
    await adapters.lease('a.gguf').release();
    await adapters.lease('a.gguf').release();
    assert.equal(cache.get(resolve('a.gguf')), unknownShape, 'today\'s behaviour: it stays cached');
    assert.equal(lines.length, 1);
  });

  it('reports an adapter that fails to free instead of throwing', async () => {
    const failing = new FakeNativeAdapter('worker crashed');
    const cache = new Map<string, unknown>([[resolve('a.gguf'), failing]]);
    const lines: string[] = [];
    const adapters = new LoadedAdapters(fakeModel(cache), (line) => lines.push(line));
    await adapters.lease('a.gguf').release();
    assert.equal(failing.disposals, 1);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /could not free the LoRA adapter .*a\.gguf: worker crashed/);
  });
});

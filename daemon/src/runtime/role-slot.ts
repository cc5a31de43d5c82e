// A role's place in the runtime: its current context, a newer one waiting to take over, and a queue,
// because a context's sequence generates one thing at a time. A new adapter version is switched in
// only between generations, so a running generation always finishes on the version it started with.
import type { RoleContext } from './role-context.js';

export type SwitchTiming = 'now' | 'after_current_generation';

export class RoleSlot {
  private pending: RoleContext | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private running = 0;

  constructor(private active: RoleContext) {}

  /** The context generations run on now. */
  get current(): RoleContext {
    return this.active;
  }

  get context(): RoleContext {
    return this.pending ?? this.active;
  }

  get generating(): boolean {
    return this.running > 0;
  }

  /** Runs one generation after those already queued, on the context current when it starts. */
  run<T>(generate: (context: RoleContext) => Promise<T>): Promise<T> {
    const turn = this.queue.then(async () => {
      await this.switchIfWaiting();
      this.running++;
      try {
        return await generate(this.active);
      } finally {
        this.running--;
        await this.switchIfWaiting();
      }
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Puts a freshly loaded context in; it takes over at once when the role is idle. */
  async install(next: RoleContext): Promise<SwitchTiming> {
    const superseded = this.pending;
    this.pending = next;
    if (superseded) await superseded.dispose(); // registered twice during one generation: only the last counts
    if (this.running > 0) return 'after_current_generation';
    await this.switchIfWaiting();
    return 'now';
  }

  async dispose(): Promise<void> {
    await this.queue;
    await this.pending?.dispose();
    await this.active.dispose();
  }

  private async switchIfWaiting(): Promise<void> {
    if (!this.pending || this.running > 0) return;
    const old = this.active;
    this.active = this.pending;
    this.pending = null;
    await old.dispose();
  }
}

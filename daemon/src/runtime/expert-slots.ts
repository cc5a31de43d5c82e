// Contexts for cluster adapters ("experts", `tandem clusters`): a task routed to a cluster runs a role's
// steps on that cluster's adapter, in a context of its own beside the role's general one, so tasks of
// other kinds keep their KV cache. Made on first use; at most `limit` are kept, the least recently
// used idle one is freed first (its adapter's weights with it, see loaded-adapters.ts).
import type { Role } from '../protocol/types.js';
import type { AdapterVersion, RoleContext } from './role-context.js';
import { RoleSlot } from './role-slot.js';

export class ExpertSlots {
  /** Key: role and adapter sha256; Map order is use order (oldest first). */
  private readonly slots = new Map<string, Promise<RoleSlot>>();

  constructor(
    private readonly open: (role: Role, adapter: AdapterVersion) => Promise<RoleContext>,
    private readonly limit = 2,
  ) {}

  /** The slot running `role` on `adapter`, made now if there is none. */
  async slotFor(role: Role, adapter: AdapterVersion): Promise<RoleSlot> {
    const key = `${role}:${adapter.sha256}`;
    let slot = this.slots.get(key);
    if (slot) {
      this.slots.delete(key); // to the back: most recently used
      this.slots.set(key, slot);
      return slot;
    }
    slot = this.open(role, adapter).then((context) => new RoleSlot(context));
    this.slots.set(key, slot);
    slot.catch(() => this.slots.delete(key)); // a bad file is not cached: the next use says why again
    await this.evict();
    return slot;
  }

  get size(): number {
    return this.slots.size;
  }

  async dispose(): Promise<void> {
    const slots = [...this.slots.values()];
    this.slots.clear();
    for (const slot of await Promise.allSettled(slots)) if (slot.status === 'fulfilled') await slot.value.dispose();
  }

  private async evict(): Promise<void> {
    for (const [key, pending] of this.slots) {
      if (this.slots.size <= this.limit) return;
      const slot = await pending.catch(() => null);
      // A slot still generating is kept; RoleSlot.dispose would wait for its queue anyway.
      if (slot?.generating) continue;
      this.slots.delete(key);
      await slot?.dispose();
    }
  }
}

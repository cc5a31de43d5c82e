// How `steps.messages_json` names each chat turn the model was given. Since schema version 2 a turn
// is `role:hash`, the hash of its content stored as a plain blob, so an assistant turn shares the
// blob of the step output it repeats: one blob, and one random page of the hash index, less per
// step. Version 1 stored the JSON `{"role":...,"content":...}` as a blob of its own and named the
// turn by that hash alone; such rows are kept as they are and read the same.
import type { ChatTurn } from '../agents/ports.js';

const ROLES: ReadonlySet<string> = new Set<ChatTurn['role']>(['system', 'user', 'assistant', 'tool']);

export function turnRef(role: ChatTurn['role'], contentHash: string): string {
  return `${role}:${contentHash}`;
}

/**
 * The turn a ref names, read through `blob`; null when a blob it needs is missing or the ref is not
 * one this version writes (both mean a damaged store: the caller says which step).
 */
export function resolveTurn(ref: string, blob: (hash: string) => string | null): ChatTurn | null {
  const colon = ref.indexOf(':');
  if (colon < 0) {
    const json = blob(ref); // version 1: the turn's own JSON blob
    return json === null ? null : (JSON.parse(json) as ChatTurn);
  }
  const role = ref.slice(0, colon);
  if (!ROLES.has(role)) return null;
  const content = blob(ref.slice(colon + 1));
  return content === null ? null : { role: role as ChatTurn['role'], content };
}

// Large text stored once, keyed by its sha256: messages, model outputs, tool results, diffs.
import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import type { ChatTurn } from '../agents/ports.js';

// The agent loop resends the same conversation every step; remembering which turns are already
// stored saves hashing them again. Bounded so a long-running daemon stays small.
const CACHE_BUDGET_CHARS = 16 * 1024 * 1024;

export class BlobStore {
  private readonly insert: Database.Statement<[string, number, string]>;
  private readonly select: Database.Statement<[string], { content: string }>;
  /** content -> hash, one map per turn role plus one ('') for plain blobs. */
  private readonly known = new Map<string, Map<string, string>>();
  private knownChars = 0;
  /** Insertion order across the maps, oldest first, for eviction. */
  private order: [Map<string, string>, string][] = [];
  private orderHead = 0;
  private pending: [string, string, string][] = [];

  constructor(db: Database.Database) {
    this.insert = db.prepare('INSERT OR IGNORE INTO blobs (hash, size, content) VALUES (?, ?, ?)');
    this.select = db.prepare('SELECT content FROM blobs WHERE hash = ?');
  }

  /** Stores text (once) and returns its sha256 hex. Call inside Store.write. */
  put(text: string): string {
    return this.putKeyed('', text, () => text);
  }

  get(hash: string): string | null {
    return this.select.get(hash)?.content ?? null;
  }

  /** A chat turn is stored as the JSON `{"role":...,"content":...}`, so equal turns share one blob. */
  putTurn(turn: ChatTurn): string {
    return this.putKeyed(turn.role, turn.content, () => encodeTurn(turn));
  }

  getTurn(hash: string): ChatTurn | null {
    const text = this.get(hash);
    return text === null ? null : (JSON.parse(text) as ChatTurn);
  }

  /** The enclosing transaction committed: what it stored is now known to be in the database. */
  commitPending(): void {
    for (const [kind, content, hash] of this.pending) this.remember(kind, content, hash);
    this.pending = [];
  }

  /** The enclosing transaction rolled back: forget what it stored. */
  dropPending(): void {
    this.pending = [];
  }

  private putKeyed(kind: string, content: string, encode: () => string): string {
    const cached = this.known.get(kind)?.get(content);
    if (cached !== undefined) return cached;
    const text = encode();
    const hash = createHash('sha256').update(text).digest('hex');
    this.insert.run(hash, Buffer.byteLength(text), text);
    this.pending.push([kind, content, hash]);
    return hash;
  }

  private remember(kind: string, content: string, hash: string): void {
    if (content.length > CACHE_BUDGET_CHARS / 16) return; // huge blobs would evict everything else
    let map = this.known.get(kind);
    if (!map) this.known.set(kind, (map = new Map()));
    if (map.has(content)) return;
    map.set(content, hash);
    this.order.push([map, content]);
    this.knownChars += content.length;
    while (this.knownChars > CACHE_BUDGET_CHARS) this.evictOldest();
  }

  private evictOldest(): void {
    const [map, content] = this.order[this.orderHead++]!;
    map.delete(content);
    this.knownChars -= content.length;
    if (this.orderHead > 4096 && this.orderHead * 2 > this.order.length) {
      this.order = this.order.slice(this.orderHead);
      this.orderHead = 0;
    }
  }
}

export function encodeTurn(turn: ChatTurn): string {
  return JSON.stringify({ role: turn.role, content: turn.content });
}

// Large text stored once, keyed by its sha256: messages, model outputs, tool results, diffs.
import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import type { ChatTurn } from '../agents/ports.js';
import { resolveTurn, turnRef } from './turn-refs.js';

// The agent loop resends the same conversation every step; remembering which turns are already
// stored saves hashing them again. Bounded so a long-running daemon stays small.
const CACHE_BUDGET_CHARS = 16 * 1024 * 1024;

export class BlobStore {
  private readonly insert: Database.Statement<[string, number, string]>;
  private readonly select: Database.Statement<[string], { content: string }>;
  /** content -> hash of what is known to be committed. */
  private readonly known = new Map<string, string>();
  private knownChars = 0;
  /** Insertion order, oldest first, for eviction. */
  private order: string[] = [];
  private orderHead = 0;
  private pending: [string, string][] = [];

  constructor(db: Database.Database) {
    this.insert = db.prepare('INSERT OR IGNORE INTO blobs (hash, size, content) VALUES (?, ?, ?)');
    this.select = db.prepare('SELECT content FROM blobs WHERE hash = ?');
  }

  /** Stores text (once) and returns its sha256 hex. Call inside Store.write. */
  put(text: string): string {
    const cached = this.known.get(text);
    if (cached !== undefined) return cached;
    const hash = createHash('sha256').update(text).digest('hex');
    this.insert.run(hash, Buffer.byteLength(text), text);
    this.pending.push([text, hash]);
    return hash;
  }

  get(hash: string): string | null {
    return this.select.get(hash)?.content ?? null;
  }

  /** Stores a chat turn's content as a plain blob and returns the turn's ref (see turn-refs.ts). */
  putTurn(turn: ChatTurn): string {
    return turnRef(turn.role, this.put(turn.content));
  }

  getTurn(ref: string): ChatTurn | null {
    return resolveTurn(ref, (hash) => this.get(hash));
  }

  /** The enclosing transaction committed: what it stored is now known to be in the database. */
  commitPending(): void {
    for (const [content, hash] of this.pending) this.remember(content, hash);
    this.pending = [];
  }

  /** The enclosing transaction rolled back: forget what it stored. */
  dropPending(): void {
    this.pending = [];
  }

  private remember(content: string, hash: string): void {
    if (content.length > CACHE_BUDGET_CHARS / 16) return; // huge blobs would evict everything else
    if (this.known.has(content)) return;
    this.known.set(content, hash);
    this.order.push(content);
    this.knownChars += content.length;
    while (this.knownChars > CACHE_BUDGET_CHARS) this.evictOldest();
  }

  private evictOldest(): void {
    const content = this.order[this.orderHead++]!;
    this.known.delete(content);
    this.knownChars -= content.length;
    if (this.orderHead > 4096 && this.orderHead * 2 > this.order.length) {
      this.order = this.order.slice(this.orderHead);
      this.orderHead = 0;
    }
  }
}

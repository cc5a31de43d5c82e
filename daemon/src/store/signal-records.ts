// Writes one signal about a task's outcome. The UNIQUE (task, kind, commit) key makes it idempotent.
import type { SignalKind } from '../protocol/types.js';
import type { Store } from './open-store.js';

export interface SignalInput {
  taskId: string;
  appliedId: number | null;
  kind: SignalKind;
  /** How it was found: patch-id | trailer | revert-message | inverse-patch-id | test-run | ... */
  source: string;
  /** Identifies the event; a null one is never deduplicated, so give test runs an id. */
  commitSha: string | null;
  detail?: string | null;
}

/** Returns 1 when recorded, 0 when the same signal was already there. */
export function recordSignal(store: Store, signal: SignalInput, now: number = Date.now()): number {
  return store.write(() => store.db.prepare(`INSERT OR IGNORE INTO signals (task_id, applied_id, kind, source, commit_sha, detail, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)`).run(
    signal.taskId, signal.appliedId, signal.kind, signal.source, signal.commitSha, signal.detail ?? null, now,
  ).changes);
}

// On daemon start, tasks left running or queued by a daemon that died are marked interrupted.
// Only the daemon calls this: a CLI opening the same file while the daemon runs must not.
import type { Store } from './open-store.js';

/** Returns the ids of the tasks it marked. */
export function markInterruptedTasks(store: Store, now: number = Date.now()): string[] {
  return store.write(() => {
    const ids = store.db.prepare("SELECT id FROM tasks WHERE state IN ('running', 'queued')").pluck().all() as string[];
    if (ids.length === 0) return ids;
    store.db.prepare(`UPDATE subtasks SET outcome = 'stopped', stop_reason = 'interrupted'
      WHERE outcome IS NULL AND task_id IN (SELECT id FROM tasks WHERE state IN ('running', 'queued'))`).run();
    store.db.prepare(`UPDATE tasks SET state = 'interrupted', stop_reason = 'interrupted', updated_at = ?, finished_at = ?
      WHERE state IN ('running', 'queued')`).run(now, now);
    return ids;
  });
}

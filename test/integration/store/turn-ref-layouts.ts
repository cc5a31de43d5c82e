// Rewrites how a store's steps name their chat turns, for the migration tests. Version 1: each turn
// a blob of its own JSON `{"role":...,"content":...}`, named by that blob's hash (and the
// steps_by_subtask index). Version 2: `role:hash` of the content as a plain blob. The data stays
// the same; only how it is stored changes.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';

/** A store the current recorder wrote, as Tandem's schema version 1 would have written it. */
export function rewriteAsVersion1(dbPath: string): void {
  rewriteTurnRefs(dbPath, (ref, blob, put) => {
    const [role, hash] = ref.split(':') as [string, string];
    return put(JSON.stringify({ role, content: blob(hash) }));
  }, (db) => {
    db.exec('CREATE INDEX steps_by_subtask ON steps(subtask_id)');
    // What versions after 2 added goes too (003-review-hunks, 004-attempts, 005-task-agent-options, 006-work-clusters), so the upgrade applies it again.
    db.exec('DROP TABLE review_hunks; ALTER TABLE diffs DROP COLUMN agent_commit;');
    db.exec('DROP TABLE IF EXISTS attempts'); // schema version 4's
    db.exec('ALTER TABLE tasks DROP COLUMN critic; ALTER TABLE tasks DROP COLUMN attempts;'); // schema version 5's
    // Schema version 6's (006-work-clusters).
    db.exec('DROP TABLE IF EXISTS task_clusters; DROP TABLE IF EXISTS work_clusters; DROP TABLE IF EXISTS clusterings;');
    db.exec('ALTER TABLE steps DROP COLUMN route_clustering; ALTER TABLE steps DROP COLUMN route_cluster;');
    db.pragma('user_version = 1');
  });
}

/** Turns written in the version-1 layout (as TrajectoryStoreBuilder writes them) as version 2 names them. */
export function rewriteRefsAsVersion2(dbPath: string): void {
  rewriteTurnRefs(dbPath, (ref, blob, put) => {
    const turn = JSON.parse(blob(ref)) as { role: string; content: string };
    return `${turn.role}:${put(turn.content)}`;
  });
}

type Rewrite = (ref: string, blob: (hash: string) => string, put: (content: string) => string) => string;

function rewriteTurnRefs(dbPath: string, rewrite: Rewrite, then?: (db: Database.Database) => void): void {
  const db = new Database(dbPath);
  try {
    db.transaction(() => {
      const select = db.prepare('SELECT content FROM blobs WHERE hash = ?').pluck();
      const insert = db.prepare('INSERT OR IGNORE INTO blobs (hash, size, content) VALUES (?, ?, ?)');
      const blob = (hash: string) => select.get(hash) as string;
      const put = (content: string) => {
        const hash = createHash('sha256').update(content).digest('hex');
        insert.run(hash, Buffer.byteLength(content), content);
        return hash;
      };
      const update = db.prepare('UPDATE steps SET messages_json = ? WHERE id = ?');
      for (const step of db.prepare('SELECT id, messages_json FROM steps').all() as { id: number; messages_json: string }[]) {
        const refs = (JSON.parse(step.messages_json) as string[]).map((ref) => rewrite(ref, blob, put));
        update.run(JSON.stringify(refs), step.id);
      }
      then?.(db);
    })();
  } finally {
    db.close();
  }
}

// Opening the store: a fresh file gets the schema in WAL mode; files it cannot use are refused untouched.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LATEST_SCHEMA_VERSION } from '../../daemon/src/store/migrations/schema-versions.js';
import { openStore, StoreOpenError } from '../../daemon/src/store/open-store.js';

describe('store: open and migrate', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tandem-open-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

  it('creates the schema at the latest version, in WAL mode, readable only by its owner', () => {
    const file = join(dir, 'nested', 'tandem.db');
    const store = openStore(file);
    try {
      assert.equal(store.db.pragma('user_version', { simple: true }), LATEST_SCHEMA_VERSION);
      assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(store.db.pragma('foreign_keys', { simple: true }), 1);
      const tables = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
      assert.deepEqual(tables, [
        'adapters', 'applied_changes', 'attempts', 'base_models', 'blobs', 'clusterings', 'diffs', 'repos', 'review_hunks', 'reviews', 'rounds',
        'signals', 'steps', 'subtasks', 'task_clusters', 'tasks', 'tool_calls', 'work_clusters',
      ]);
      assert.equal(statSync(file).mode & 0o777, 0o600);
    } finally {
      store.close();
    }
    // Opening again applies nothing twice.
    openStore(file).close();
  });

  it('refuses a database from a newer schema version and leaves it byte-for-byte unchanged', () => {
    const file = join(dir, 'tandem.db');
    openStore(file).close();
    const raw = new Database(file);
    raw.prepare("INSERT INTO repos (path) VALUES ('/r')").run();
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    raw.close();
    const before = sha(file);
    const filesBefore = readdirSync(dir).sort();

    assert.throws(() => openStore(file), (error: unknown) => {
      assert.ok(error instanceof StoreOpenError);
      assert.equal(error.reason, 'newer_schema');
      assert.match(error.message, new RegExp(`newer Tandem \\(schema version ${LATEST_SCHEMA_VERSION + 1}; this one knows up to ${LATEST_SCHEMA_VERSION}\\)`));
      assert.match(error.message, /not changed/);
      return true;
    });
    assert.equal(sha(file), before);
    assert.deepEqual(readdirSync(dir).sort(), filesBefore);
  });

  it('refuses a file that is not SQLite and leaves it unchanged', () => {
    const file = join(dir, 'tandem.db');
    writeFileSync(file, 'these are my notes, not a database\n'.repeat(200));
    const before = sha(file);
    assert.throws(() => openStore(file), (error: unknown) => error instanceof StoreOpenError && error.reason === 'not_a_database' && /not a SQLite database/.test(error.message));
    assert.equal(sha(file), before);
  });
});

// Schema version 2 over version-1 data: a store written in the old layout is upgraded in place, keeps
// every step readable, takes new steps, and exports byte for byte what the new layout exports.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPORT_FORMATS } from '../../daemon/src/protocol/types.js';
import { LATEST_SCHEMA_VERSION } from '../../daemon/src/store/migrations/schema-versions.js';
import { exportDataset } from '../../daemon/src/store/export/export-dataset.js';
import { openStore } from '../../daemon/src/store/open-store.js';
import { stepMessages } from '../../daemon/src/store/task-queries.js';
import { StoreTrajectoryRecorder } from '../../daemon/src/store/trajectory-recorder.js';
import { generateBenchStore } from '../bench/store-trajectories.js';
import { workerStep } from './store/sample-trajectory.js';
import { buildCorpus } from '../support/export-corpus.js';
import { rewriteAsVersion1, rewriteRefsAsVersion2 } from './store/turn-ref-layouts.js';

const STEPS = 120; // four tasks: rejected, edited, approved twice

describe('store: migration from schema version 1', () => {
  let dir: string;
  let current: string;
  let old: string;
  const inspect = <T>(path: string, fn: (db: Database.Database) => T): T => {
    const db = new Database(path, { readonly: true });
    try { return fn(db); } finally { db.close(); }
  };
  const indexes = (db: Database.Database) => db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'steps'").pluck().all();
  const exportAll = async (dbPath: string, name: string) => {
    const files: Record<string, string> = {};
    for (const format of EXPORT_FORMATS) {
      const manifest = await exportDataset(dbPath, { out: join(name, `${format}.jsonl`), format, role: 'all' });
      for (const file of manifest.files) files[`${format}/${file.path}`] = readFileSync(join(name, file.path), 'utf8');
    }
    return files;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tandem-migration-'));
    current = join(dir, 'current.db');
    old = join(dir, 'old.db');
    generateBenchStore(current, STEPS);
    copyFileSync(current, old);
    rewriteAsVersion1(old);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the version-1 copy really is in the old layout', () => {
    inspect(old, (db) => {
      assert.equal(db.pragma('user_version', { simple: true }), 1);
      assert.ok(indexes(db).includes('steps_by_subtask'));
      const refs = JSON.parse(db.prepare('SELECT messages_json FROM steps LIMIT 1').pluck().get() as string) as string[];
      assert.match(refs[0]!, /^[0-9a-f]{64}$/);
    });
  });

  const sameExports = async (a: string, b: string) => {
    const [fromA, fromB] = [await exportAll(a, `${a}-out`), await exportAll(b, `${b}-out`)];
    assert.deepEqual(Object.keys(fromB).sort(), Object.keys(fromA).sort());
    for (const [file, text] of Object.entries(fromA)) assert.ok(fromB[file] === text, `${file} differs between layouts`);
    return Object.values(fromA).filter((text) => text.length > 0).length;
  };

  it('exports the same bytes from both layouts, in all six formats', async () => {
    // The bench generator's store, written by the recorder; it has no second rounds, so no preference pairs.
    assert.ok(await sameExports(current, old) >= 4);
    // The export tests' corpus, written in the version-1 layout, with rounds, rejections and edits.
    const corpusOld = join(dir, 'corpus-old.db');
    const corpusNew = join(dir, 'corpus-new.db');
    buildCorpus(corpusOld, 16);
    copyFileSync(corpusOld, corpusNew);
    rewriteRefsAsVersion2(corpusNew);
    // trl-grpo writes groups of attempts, which the corpus has none of.
    assert.equal(await sameExports(corpusOld, corpusNew), EXPORT_FORMATS.length - 1, 'every format but trl-grpo has records');
  });

  it('upgrades in place: same steps and turns, the unused index gone, new steps in the new layout', async () => {
    const turnsBefore = readAllTurns(current);
    const store = openStore(old);
    try {
      assert.equal(store.db.pragma('user_version', { simple: true }), LATEST_SCHEMA_VERSION);
      assert.ok(!indexes(store.db).includes('steps_by_subtask'));
      const ids = store.db.prepare('SELECT id FROM steps ORDER BY id').pluck().all() as number[];
      assert.equal(ids.length, turnsBefore.length);
      assert.deepEqual(ids.map((id) => stepMessages(store, id)), turnsBefore);

      const recorder = new StoreTrajectoryRecorder(store);
      const turns = [...turnsBefore[1]!, { role: 'assistant' as const, content: '{"tool":"done","args":{"summary":"ok"}}' }];
      const taskId = store.db.prepare('SELECT task_id FROM steps WHERE id = ?').pluck().get(ids[1]) as string;
      const id = recorder.recordStep(workerStep(taskId, null, turns, '{"tool":"done","args":{"summary":"again"}}'));
      assert.deepEqual(stepMessages(store, id), turns);
      const refs = JSON.parse(store.db.prepare('SELECT messages_json FROM steps WHERE id = ?').pluck().get(id) as string) as string[];
      assert.match(refs.at(-1)!, /^assistant:[0-9a-f]{64}$/);
    } finally {
      store.close();
    }
    const reopened = openStore(old); // applies nothing twice
    try {
      assert.equal(reopened.db.pragma('user_version', { simple: true }), LATEST_SCHEMA_VERSION);
      assert.equal(reopened.db.prepare('SELECT COUNT(*) FROM steps').pluck().get(), turnsBefore.length + 1);
    } finally {
      reopened.close();
    }
  });
});

function readAllTurns(dbPath: string) {
  const store = openStore(dbPath);
  try {
    const ids = store.db.prepare('SELECT id FROM steps ORDER BY id').pluck().all() as number[];
    return ids.map((id) => stepMessages(store, id)!);
  } finally {
    store.close();
  }
}

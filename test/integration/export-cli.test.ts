// `tandem export` as a user runs it (a real CLI process over a real store), and what an export
// leaves behind when it is interrupted or fails halfway: no partial file, an older dataset intact.
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportDataset } from '../../daemon/src/store/export/export-dataset.js';
import { buildCorpus } from '../support/export-corpus.js';

function tandem(home: string, args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'daemon/src/main.ts', ...args], {
    cwd: process.cwd(), env: { ...process.env, TANDEM_HOME: home }, encoding: 'utf8',
    // Only a safety net for a hang (it once ignored SIGTERM): the assertions are about the outcome.
    timeout: 120_000, killSignal: 'SIGKILL',
  });
  return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

describe('tandem export: CLI and interruption', function () {
  let home: string;
  before(() => {
    home = mkdtempSync(join(tmpdir(), 'tandem-export-cli-'));
    buildCorpus(join(home, 'tandem.db'), 12);
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  it('writes the split files and manifest.json from the store under TANDEM_HOME', () => {
    const out = join(home, 'data', 'worker.jsonl');
    const run = tandem(home, ['export', '--format', 'openai-sft', '--role', 'worker', '--split', '0.8', '--out', out]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '', 'no progress bar when stderr is not a terminal');
    const manifest = JSON.parse(readFileSync(join(home, 'data', 'manifest.json'), 'utf8'));
    assert.deepEqual(manifest.files.map((f: { path: string }) => f.path), ['worker.train.jsonl', 'worker.validation.jsonl']);
    assert.deepEqual(manifest.filters, { format: 'openai-sft', role: 'worker', minSignal: 'approved', split: 0.8 });
    for (const file of manifest.files) {
      assert.match(run.stdout, new RegExp(`${file.path}: ${file.records} records`));
      assert.equal(readFileSync(join(home, 'data', file.path), 'utf8').split('\n').filter(Boolean).length, file.records);
    }
  });

  it('prints the manifest as JSON with --json', () => {
    const run = tandem(home, ['export', '--format', 'trl-kto', '--role', 'all', '--out', join(home, 'kto.jsonl'), '--json']);
    assert.equal(run.code, 0, run.stderr);
    const manifest = JSON.parse(run.stdout);
    assert.equal(manifest.format, 'trl-kto');
    assert.ok(Object.keys(manifest.counts).some((k) => k.endsWith('/rejected')));
  });

  it('exits 2 with a clear message on bad options, and 1 when there is no store', () => {
    const bad = tandem(home, ['export', '--format', 'csv', '--role', 'worker', '--out', join(home, 'bad.jsonl')]);
    assert.equal(bad.code, 2);
    // Refused at the protocol's door (the in-process CLI checks params as the daemon does), naming the field and the choices.
    assert.match(bad.stderr, /"?format"? must be one of openai-sft, trl-sft, sharegpt, trl-dpo, openai-dpo, trl-kto.*\(got "csv"\)/);
    const missing = tandem(home, ['export', '--format', 'trl-sft', '--role', 'worker']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Missing --out PATH/);
    const split = tandem(home, ['export', '--format', 'trl-sft', '--role', 'worker', '--split', 'most', '--out', join(home, 'bad.jsonl')]);
    assert.equal(split.code, 2);
    assert.match(split.stderr, /--split must be a number such as 0\.9; got "most"/);
    const empty = mkdtempSync(join(tmpdir(), 'tandem-empty-'));
    const nostore = tandem(empty, ['export', '--format', 'trl-sft', '--role', 'worker', '--out', join(empty, 'x.jsonl')]);
    rmSync(empty, { recursive: true, force: true });
    assert.equal(nostore.code, 1);
    assert.match(nostore.stderr, /No Tandem store at .*tandem\.db\. Run a task first/);
    assert.ok(!existsSync(join(home, 'bad.jsonl')));
  });

  it('says plainly that an output folder cannot be made, rather than spin (as under /proc)', () => {
    const run = tandem(home, ['export', '--format', 'trl-sft', '--role', 'worker', '--out', '/proc/self/tandem-x/y.jsonl']);
    assert.equal(run.signal ?? null, null, 'it ended by itself');
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /Cannot make the folder \/proc\/self\/tandem-x for --out: /);
  });

  it('refuses a store written by a newer Tandem, and leaves it as it was', async () => {
    const newer = mkdtempSync(join(tmpdir(), 'tandem-newer-'));
    try {
      const db = join(newer, 'tandem.db');
      buildCorpus(db, 1);
      const raw = new Database(db);
      raw.pragma('user_version = 999');
      raw.close();
      await assert.rejects(exportDataset(db, { format: 'trl-sft', role: 'worker', out: join(newer, 'x.jsonl') }),
        /tandem\.db was written by a newer Tandem \(schema version 999; this one knows up to \d+\)/);
      assert.ok(!existsSync(join(newer, 'x.jsonl')));
      const after = new Database(db, { readonly: true });
      assert.equal(after.pragma('user_version', { simple: true }), 999);
      after.close();
    } finally {
      rmSync(newer, { recursive: true, force: true });
    }
  });

  it('leaves no partial file and the previous dataset intact when cancelled', async () => {
    const dir = join(home, 'cancelled');
    mkdirSync(dir);
    writeFileSync(join(dir, 'sft.jsonl'), 'previous export\n');
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(exportDataset(join(home, 'tandem.db'), { format: 'trl-sft', role: 'all', out: join(dir, 'sft.jsonl') }, undefined, abort.signal),
      /Export cancelled; no dataset files were written/);
    assert.deepEqual(readdirSync(dir), ['sft.jsonl']);
    assert.equal(readFileSync(join(dir, 'sft.jsonl'), 'utf8'), 'previous export\n');
  });

  it('leaves no partial file when the store turns out damaged halfway', async () => {
    const damaged = join(home, 'damaged.db');
    buildCorpus(damaged, 8);
    const db = new Database(damaged);
    // Remove a turn only task 7 has (its prompt): the export fails after writing tasks 0 to 6.
    const removed = db.prepare(`DELETE FROM blobs WHERE content LIKE '%"role":"user"%Make clamp() in src/mod7/range.ts%'`).run().changes;
    db.close();
    assert.equal(removed, 1);
    const dir = join(home, 'damaged-out');
    await assert.rejects(exportDataset(damaged, { format: 'trl-sft', role: 'all', split: 0.5, out: join(dir, 'sft.jsonl') }),
      /missing blob .*; it may be damaged/);
    assert.deepEqual(readdirSync(dir), []);
  });
});

// Secrets planted in task texts, rejection reasons, tool output and a repository's remote, exported in
// all six formats from a real SQLite store: none survives in any dataset file or manifest, every
// exported string is clean (no rule fires on it again), and the manifest counts each rule.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPORT_FORMATS } from '../../daemon/src/protocol/types.js';
import { exportDataset, type DatasetManifest } from '../../daemon/src/store/export/export-dataset.js';
import { redactText } from '../../daemon/src/store/export/redact.js';
import { fixedSource, recordTask } from '../support/trajectory-scenarios.js';
import { TrajectoryStoreBuilder } from '../support/trajectory-store-builder.js';

// Built at run time, with every character class, so this file holds nothing a scanner flags.
const part = (n: number, salt: number) => Array.from({ length: n }, (_, i) => 'kR7mQ2xW9pL4vN8tZ3bH6'[(i * 7 + salt) % 21]).join('');
const secrets = {
  envPassword: `${part(12, 1)}!a9`,
  urlPassword: `${part(10, 2)}@b8`,
  jsonSecret: part(24, 3),
  curlPassword: part(14, 4),
  redisPassword: part(16, 5),
  bearer: `${part(30, 6)}c7`,
  npmToken: `npm_${part(36, 7)}`,
  remoteToken: part(20, 8),
};

describe('tandem export: redaction in all six formats', function () {
  this.timeout(120_000);
  let dir: string;
  let db: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tandem-export-redaction-'));
    db = join(dir, 'tandem.db');
    const b = TrajectoryStoreBuilder.create(db);
    const repo = b.repo('/srv/repos/app', `https://ci:${secrets.remoteToken}@git.example.com/acme/app.git`);
    const prompt = `Deploy with DB_PASSWORD=${secrets.envPassword} and notify https://:${secrets.urlPassword}@hooks.internal/deploy`;
    const reason = `Never commit "apiSecret": "${secrets.jsonSecret}"; fetch it with curl -u ops:${secrets.curlPassword} instead.`;
    const planted = `const cache = 'redis://:${secrets.redisPassword}@cache:6379';\nconst headers = { authorization: 'Bearer ${secrets.bearer}' };\n// //registry.npmjs.org/:_authToken=${secrets.npmToken}`;
    const file = 'src/deploy/config.ts';
    const good = fixedSource(file);
    const weak = fixedSource(file, 'Error');
    const base = { repoId: repo, file, prompt, planted };
    recordTask(b, { ...base, id: 'task-revised', rounds: [{ versions: [{ content: weak, verdict: 'reject', reason }, { content: good, verdict: 'approve' }] }] });
    recordTask(b, { ...base, id: 'task-rounds', rounds: [{ versions: [{ content: weak, verdict: 'reject', reason }] }, { versions: [{ content: good, verdict: 'approve' }] }], signal: 'merged' });
    recordTask(b, { ...base, id: 'task-edited', rounds: [{ versions: [{ content: good, verdict: 'approve_with_edits', edited: `${good}\n// DB_PASSWORD=${secrets.envPassword}\n` }] }] });
    b.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const format of EXPORT_FORMATS) {
    it(`${format}: no planted secret survives, every string is clean, and the manifest counts per rule`, async () => {
      const out = join(dir, format, 'data.jsonl');
      const manifest: DatasetManifest = await exportDataset(db, { format, role: 'all', out });
      const texts = manifest.files.map((f) => readFileSync(join(dir, format, f.path), 'utf8'));
      const written = texts.join('\n') + readFileSync(join(dir, format, 'manifest.json'), 'utf8');
      assert.ok(manifest.files.reduce((n, f) => n + f.records, 0) >= 1, `${format} wrote no record`);
      for (const [name, value] of Object.entries(secrets)) {
        for (let i = 0; i + 8 <= value.length; i++) {
          assert.ok(!written.includes(value.slice(i, i + 8)), `${format}: part of ${name} survived`);
        }
      }
      for (const line of texts.join('\n').split('\n').filter(Boolean)) {
        for (const text of stringsOf(JSON.parse(line))) assert.equal(redactText(text).count, 0, `${format}: a secret left in ${text.slice(0, 120)}`);
      }
      const perRule = Object.values(manifest.redactionsByRule).reduce((a, b) => a + b, 0);
      assert.equal(perRule, manifest.redactions);
      assert.ok((manifest.redactionsByRule['url-password'] ?? 0) >= 1, JSON.stringify(manifest.redactionsByRule));
      assert.ok(Object.keys(manifest.redactionsByRule).length >= 3, JSON.stringify(manifest.redactionsByRule));
    });
  }
});

/** Every string in a record, including the JSON inside strings (tool-call arguments, ShareGPT's tools). */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') {
    if (/^[[{]/.test(value)) {
      try { return [value, ...stringsOf(JSON.parse(value))]; } catch { /* plain text that starts with a bracket */ }
    }
    return [value];
  }
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
  return [];
}

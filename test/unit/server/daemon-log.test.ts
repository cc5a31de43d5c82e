import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDaemonLog } from '../../../daemon/src/server/daemon-log.js';

describe('daemon log', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tandem-log-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rotates by size and keeps only the newest files', () => {
    const log = createDaemonLog({ dir, maxBytes: 200, keep: 2, stderr: false });
    for (let i = 0; i < 40; i++) log.info(`line ${String(i).padStart(2, '0')} ${'x'.repeat(40)}`);
    assert.deepEqual(readdirSync(dir).sort(), ['daemon.log', 'daemon.log.1', 'daemon.log.2']);
    for (const name of readdirSync(dir)) assert.ok(statSync(join(dir, name)).size <= 200);
    assert.match(readFileSync(log.file, 'utf8'), /line 39/);
    const all = readdirSync(dir).map((name) => readFileSync(join(dir, name), 'utf8')).join('');
    assert.doesNotMatch(all, /line 00/, 'the oldest lines are gone');
  });

  it('writes each line with its level and pid, mode 0600', () => {
    const log = createDaemonLog({ dir, stderr: false });
    log.warn('careful');
    assert.match(readFileSync(log.file, 'utf8'), new RegExp(`^\\S+ warn \\[${process.pid}\\] careful\\n$`));
    assert.equal(statSync(log.file).mode & 0o777, 0o600);
    assert.equal(existsSync(`${log.file}.1`), false);
  });
});

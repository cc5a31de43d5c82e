import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimDiscovery, readDiscovery, releaseDiscovery, type DaemonDiscovery } from '../../../daemon/src/server/discovery-file.js';

describe('discovery file', () => {
  let dir: string;
  let file: string;
  const mine: DaemonDiscovery = { port: 4242, pid: process.pid, token: 'a'.repeat(64), version: 'test', startedAt: 'now' };
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tandem-discovery-')); file = join(dir, 'run', 'tandem-daemon.json'); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is claimed once, with mode 0600, and a second claim loses', () => {
    assert.equal(claimDiscovery(file, mine), true);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(claimDiscovery(file, { ...mine, pid: 1, token: 'b'.repeat(64) }), false);
    const read = readDiscovery(file);
    assert.ok(read.kind === 'found');
    assert.deepEqual(read.discovery, mine);
  });

  it('is removed on release only by the daemon that wrote it', () => {
    claimDiscovery(file, { ...mine, pid: process.pid + 1 });
    releaseDiscovery(file);
    assert.equal(readDiscovery(file).kind, 'found');
    releaseDiscovery(file, process.pid + 1);
    assert.equal(readDiscovery(file).kind, 'none');
  });

  it('reports a torn or foreign file as unreadable instead of throwing', () => {
    claimDiscovery(file, mine);
    writeFileSync(file, '{"port": 12');
    assert.equal(readDiscovery(file).kind, 'unreadable');
  });
});

import { strict as assert } from 'node:assert';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoveryPath, isProcessAlive, readDiscovery } from '../../../extension/src/daemon/discovery.js';

describe('daemon discovery file', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tandem-discovery-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lives in TANDEM_HOME when it is set', () => {
    assert.equal(discoveryPath({ TANDEM_HOME: dir }), join(dir, 'tandem-daemon.json'));
  });

  it('reads port, pid and token from a 0600 file', async () => {
    const path = join(dir, 'd.json');
    writeFileSync(path, JSON.stringify({ port: 4321, pid: process.pid, token: 'secret' }), { mode: 0o600 });
    assert.deepEqual(await readDiscovery(path), { kind: 'found', path, discovery: { port: 4321, pid: process.pid, token: 'secret' } });
  });

  it('reports a missing file as missing, not as an error', async () => {
    assert.deepEqual(await readDiscovery(join(dir, 'none.json')), { kind: 'missing', path: join(dir, 'none.json') });
  });

  it('refuses a file other users can read: the token controls the agent', async () => {
    const path = join(dir, 'd.json');
    writeFileSync(path, JSON.stringify({ port: 1, pid: 1, token: 't' }));
    chmodSync(path, 0o644);
    const result = await readDiscovery(path);
    assert.equal(result.kind, 'invalid');
    assert.match((result as { message: string }).message, /must be 0600/);
  });

  it('says what is wrong with a file that lacks fields or is not JSON', async () => {
    const path = join(dir, 'd.json');
    writeFileSync(path, JSON.stringify({ port: 1 }), { mode: 0o600 });
    assert.match((await readDiscovery(path) as { message: string }).message, /not a Tandem discovery file.*may still be writing it/);
    writeFileSync(path, '{"port": 1', { mode: 0o600 });
    assert.deepEqual(await readDiscovery(path), { kind: 'invalid', path, message: `${path} is not a Tandem discovery file. (the daemon may still be writing it)` });
  });

  it('tells a live pid from a dead one', () => {
    assert.equal(isProcessAlive(process.pid), true);
    assert.equal(isProcessAlive(2 ** 22 + 12345), false);
  });
});

import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privateRuntimeDir, tandemPaths } from '../../../daemon/src/paths.js';
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

  it('writes through no link planted at a temp name or at the file itself', () => {
    mkdirSync(join(dir, 'run'));
    const victim = join(dir, 'bashrc');
    writeFileSync(victim, 'mine\n');
    symlinkSync(victim, `${file}.${process.pid}.tmp`); // the name the daemon used to write
    assert.equal(claimDiscovery(file, mine), true);
    assert.equal(readFileSync(victim, 'utf8'), 'mine\n');
    rmSync(file);
    symlinkSync(victim, file);
    assert.equal(claimDiscovery(file, mine), false, 'a link at the name is somebody else\'s file');
    assert.equal(readFileSync(victim, 'utf8'), 'mine\n');
    assert.equal(readDiscovery(file).kind, 'untrusted');
  });

  it('trusts only a regular file nobody else can read', () => {
    claimDiscovery(file, mine);
    chmodSync(file, 0o644);
    const read = readDiscovery(file);
    assert.equal(read.kind, 'untrusted');
    assert.match((read as { message: string }).message, /must be 0600/);
    rmSync(file);
    mkdirSync(file);
    assert.equal(readDiscovery(file).kind, 'untrusted');
  });

  it('uses XDG_RUNTIME_DIR only when it is private to this user, else Tandem\'s home', () => {
    const runtime = join(dir, 'xdg');
    mkdirSync(runtime, { mode: 0o700 });
    chmodSync(runtime, 0o700);
    const env = { XDG_RUNTIME_DIR: runtime, XDG_DATA_HOME: join(dir, 'data') };
    assert.equal(privateRuntimeDir(runtime), runtime);
    assert.equal(tandemPaths(env).discovery, join(runtime, 'tandem-daemon.json'));
    chmodSync(runtime, 0o1777);
    assert.equal(privateRuntimeDir(runtime), null);
    assert.equal(tandemPaths(env).discovery, join(dir, 'data', 'tandem', 'tandem-daemon.json'));
    symlinkSync(runtime, join(dir, 'link'));
    assert.equal(privateRuntimeDir(join(dir, 'link')), null, 'a link is not the directory it names');
  });
});

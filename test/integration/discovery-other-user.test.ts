// Another local user against the discovery file, as real processes: the attacker (a second user,
// its steps run with a dropped uid/gid) plants a daemon file and links in a shared runtime dir; the
// victim's CLI and daemon must neither trust the file nor write through the links.
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { tandemPaths } from '../../daemon/src/paths.js';
import { readDiscovery } from '../../daemon/src/server/discovery-file.js';
import { readDiscovery as readDiscoveryInExtension } from '../../extension/src/daemon/discovery.js';
import { buildOnce, CLI_BUNDLE } from './support/tandem-cli.js';

const ATTACKER = 'tandem-attacker';
const ROOT = resolve(import.meta.dirname, '../..');

/** The attacker's uid and gid, making the user when it is missing (tests run as root here and in CI). */
function attackerIds(): { uid: number; gid: number } {
  if (spawnSync('id', ['-u', ATTACKER]).status !== 0) execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', ATTACKER]);
  return { uid: Number(execFileSync('id', ['-u', ATTACKER], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', ATTACKER], { encoding: 'utf8' })) };
}

function runCli(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => execFile(process.execPath, [CLI_BUNDLE, ...args], { cwd: ROOT, env }, (error, stdout, stderr) =>
    done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })));
}

describe('discovery file: another local user cannot plant or redirect it', function () {
  let base: string;
  let shared: string;
  let victimHome: string;
  let env: NodeJS.ProcessEnv;
  let attacker: { uid: number; gid: number };
  let server: Server;
  let connections = 0;

  before(async function () {
    if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
      console.warn('\n  !!! SKIPPED: the second-user discovery tests need root (to make a second user and drop to it).\n');
      this.skip();
    }
    attacker = attackerIds();
    buildOnce();
    base = mkdtempSync(join(tmpdir(), 'tandem-users-'));
    chmodSync(base, 0o755);
    shared = join(base, 'run');
    mkdirSync(shared);
    chmodSync(shared, 0o1777); // a shared, world-writable XDG_RUNTIME_DIR, as /tmp is
    victimHome = join(base, 'victim');
    mkdirSync(victimHome, { mode: 0o700 });
    writeFileSync(join(victimHome, '.bashrc'), 'the victim\'s shell setup\n');
    env = { ...process.env, HOME: victimHome, XDG_DATA_HOME: join(victimHome, 'data'), XDG_RUNTIME_DIR: shared };
    delete env.TANDEM_HOME;
    delete env.TANDEM_MODEL;
    server = createServer((socket) => { connections++; socket.destroy(); });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  });

  after(() => {
    server?.close();
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it("ignores a daemon file another user planted in a shared runtime dir, and never writes through the attacker's links", async () => {
    const port = (server.address() as { port: number }).port;
    const planted = join(shared, 'tandem-daemon.json');
    // The attacker's steps, as the attacker: a file naming their server, and links at every temp name
    // the daemon used to write (tandem-daemon.json.<pid>.tmp) pointing at the victim's .bashrc.
    execFileSync(process.execPath, ['-e', `
      const fs = require('fs');
      fs.writeFileSync(${JSON.stringify(planted)}, JSON.stringify({ port: ${port}, pid: ${process.pid}, token: 'attacker', version: 'x', startedAt: 'now' }), { mode: 0o644 });
      for (let pid = ${process.pid}; pid < ${process.pid} + 2000; pid++) fs.symlinkSync(${JSON.stringify(join(victimHome, '.bashrc'))}, ${JSON.stringify(planted)} + '.' + pid + '.tmp');
    `], { uid: attacker.uid, gid: attacker.gid });
    assert.equal(readFileSync(planted, 'utf8').includes('attacker'), true, 'the attacker could plant the file');

    const status = await runCli(env, 'status', '--json');
    assert.equal(connections, 0, `the CLI connected to the planted port: ${status.stdout}${status.stderr}`);
    assert.deepEqual(JSON.parse(status.stdout), { running: false });

    // The victim's daemon uses a private runtime dir instead, so it neither says "already running" nor follows the links.
    const victimPaths = tandemPaths(env);
    assert.notEqual(victimPaths.discovery, planted);
    const daemon = execFile(process.execPath, [CLI_BUNDLE, 'daemon'], { cwd: ROOT, env });
    let output = '';
    daemon.stdout!.on('data', (chunk: string) => { output += chunk; });
    daemon.stderr!.on('data', (chunk: string) => { output += chunk; });
    const exited = new Promise<void>((done) => daemon.once('exit', () => done()));
    let read = readDiscovery(victimPaths.discovery);
    while ((read.kind !== 'found' || !output.includes('listening')) && daemon.exitCode === null) {
      await new Promise((r) => setTimeout(r, 100));
      read = readDiscovery(victimPaths.discovery);
    }
    try {
      assert.equal(read.kind, 'found', `the daemon did not start: ${output}`);
      assert.doesNotMatch(output, /already running/);
      assert.equal(read.kind === 'found' && read.discovery.pid, daemon.pid);
      assert.equal(readFileSync(join(victimHome, '.bashrc'), 'utf8'), 'the victim\'s shell setup\n');
      const again = await runCli(env, 'status', '--json');
      assert.equal((JSON.parse(again.stdout) as { running: boolean }).running, true, again.stdout + again.stderr);
      assert.equal(connections, 0);
    } finally {
      await runCli(env, 'daemon', '--stop');
      await exited;
    }
  });

  it("refuses, in the CLI and the extension alike, a 0600 file of another user's in the victim's own dir", async () => {
    const own = join(victimHome, 'run');
    mkdirSync(own, { mode: 0o700 });
    const file = join(own, 'tandem-daemon.json');
    writeFileSync(file, JSON.stringify({ port: 1, pid: process.pid, token: 't', version: 'x', startedAt: 'now' }), { mode: 0o600 });
    chownSync(file, attacker.uid, attacker.gid);
    const read = readDiscovery(file);
    assert.equal(read.kind, 'untrusted');
    assert.match((read as { message: string }).message, /belongs to another user/);
    const inExtension = await readDiscoveryInExtension(file);
    assert.equal(inExtension.kind, 'invalid');
    assert.ok(existsSync(file));
  });
});

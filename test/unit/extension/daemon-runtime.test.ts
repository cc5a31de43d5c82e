import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveDaemonEntry } from '../../../extension/src/daemon/daemon-runtime.js';

describe('where the installed extension finds the daemon\'s native modules', () => {
  let dir: string;
  let extensionRoot: string;
  let home: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tandem-runtime-'));
    extensionRoot = join(dir, 'ext');
    home = join(dir, 'home');
    mkdirSync(join(extensionRoot, 'dist', 'daemon'), { recursive: true });
    writeFileSync(join(extensionRoot, 'dist', 'daemon', 'cli.js'), '// daemon v2\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the bundle in place when the extension has its own node_modules (a checkout)', () => {
    mkdirSync(join(extensionRoot, 'node_modules', 'node-llama-cpp'), { recursive: true });
    assert.deepEqual(resolveDaemonEntry(extensionRoot, home, 'node'), { ok: true, cli: join(extensionRoot, 'dist', 'daemon', 'cli.js') });
  });

  it('says how to install the runtime with the user\'s npm when it is missing', () => {
    const entry = resolveDaemonEntry(extensionRoot, home, '/opt/node/bin/node');
    assert.equal(entry.ok, false);
    assert.equal((entry as { installCommand: string }).installCommand,
      `/opt/node/bin/npm install --prefix "${join(home, 'runtime')}" node-llama-cpp@3.22.1 better-sqlite3@^12.9.0`);
  });

  it('runs a fresh copy of the bundle beside the installed runtime, so imports resolve there', () => {
    for (const pkg of ['node-llama-cpp', 'better-sqlite3']) mkdirSync(join(home, 'runtime', 'node_modules', pkg), { recursive: true });
    const entry = resolveDaemonEntry(extensionRoot, home, 'node');
    assert.deepEqual(entry, { ok: true, cli: join(home, 'runtime', 'daemon', 'cli.js') });
    assert.equal(readFileSync(join(home, 'runtime', 'daemon', 'cli.js'), 'utf8'), '// daemon v2\n');
  });
});

// Read-only commands on a read-only TANDEM_HOME (a read-only mount; made here with bubblewrap, since
// the tests run as root and root ignores file modes): they read the store; writing says why it cannot.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findSandbox } from '../../daemon/src/agents/tools/command-sandbox.js';
import { openStore } from '../../daemon/src/store/open-store.js';
import { StoreTrajectoryRecorder } from '../../daemon/src/store/trajectory-recorder.js';
import { requireSandbox } from './support/sandbox.js';
import { buildOnce, CLI_BUNDLE } from './support/tandem-cli.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('a read-only TANDEM_HOME', function () {
  let home: string;

  before(function () {
    requireSandbox(this, 'the read-only TANDEM_HOME tests (bubblewrap makes the read-only mount)');
    buildOnce();
    home = mkdtempSync(join(tmpdir(), 'tandem-ro-home-'));
    const store = openStore(join(home, 'tandem.db'));
    new StoreTrajectoryRecorder(store).startTask({ taskId: 'ro-task', repoPath: '/work/some-repo', prompt: 'fix it', baseCommit: 'a'.repeat(40), branch: 'tandem/ro-task', promptVersion: 'p1', baseModelSha: 'b'.repeat(64) });
    store.close();
  });
  after(() => { if (home) rmSync(home, { recursive: true, force: true }); });

  const readOnly = (...args: string[]) => {
    const sandbox = findSandbox();
    assert.equal(sandbox.kind, 'bubblewrap');
    const program = sandbox.kind === 'bubblewrap' ? sandbox.program : 'bwrap';
    // The checkout is bound again after the private /tmp: CI's clone may live under /tmp.
    return spawnSync(program, ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--ro-bind', ROOT, ROOT,
      '--ro-bind', home, home, '--chdir', ROOT, '--', process.execPath, CLI_BUNDLE, ...args], { env: { ...process.env, TANDEM_HOME: home }, encoding: 'utf8' });
  };

  it('still lists tasks and shows one', () => {
    const tasks = readOnly('tasks', '--json');
    assert.equal(tasks.status, 0, tasks.stderr);
    assert.ok(tasks.stdout.includes('ro-task'), tasks.stdout);
    const task = readOnly('task', 'ro-task');
    assert.equal(task.status, 0, task.stderr);
    assert.match(task.stdout, /fix it/);
  });
});

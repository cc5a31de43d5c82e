// A task that fails because the disk is full says why: in the task.state event its subscribers get and
// in `tandem task`, though the store could not record the failure (the same full disk); every step
// recorded before is kept whole and the store stays consistent. A real full disk: TANDEM_HOME on a
// small tmpfs (mounting needs root: elsewhere this is skipped with a loud message, never in CI), a real
// daemon process, the fixture model.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectToDaemon, type DaemonClient } from '../../daemon/src/cli/daemon-client.js';
import { tandemPaths } from '../../daemon/src/paths.js';
import { TaskGet, TaskStart, TaskSubscribe } from '../../daemon/src/protocol/messages.js';
import { readStore } from '../fixtures/daemon/real-tasks.js';
import { CLI_ENTRY, spawnEntry, startDaemon, type DaemonProcess } from '../fixtures/daemon/spawn-daemon.js';
import { watch } from '../fixtures/daemon/task-watch.js';
import { makeTempRepo } from './support/temp-repo.js';

const isRoot = process.getuid?.() === 0;

/** Writes until the file system has no byte left (ENOSPC), as a user's disk fills up. */
function fillDisk(path: string): void {
  const fd = openSync(path, 'w');
  try {
    for (const size of [1 << 20, 4096, 1]) {
      const chunk = Buffer.alloc(size, 0x2e);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
}

describe('a task on a full disk says why (real tmpfs, real daemon)', function () {
  const mount = mkdtempSync(join(tmpdir(), 'tandem-full-disk-'));
  const repo = makeTempRepo({ 'README.md': '# sample\n', 'src/app.ts': 'export const answer = 41;\n' });
  const env: NodeJS.ProcessEnv = { ...process.env, TANDEM_HOME: join(mount, 'home'), TANDEM_SIGNALS_SCAN_MINUTES: '0' };
  const paths = tandemPaths(env);
  let mounted = false;
  let daemon: DaemonProcess | null = null;
  let client: DaemonClient | null = null;

  before(function () {
    if (!isRoot) {
      if (process.env.CI) throw new Error('CI must run the full-disk test as root (it mounts a tmpfs).');
      console.warn('\n  !!! SKIPPED: the full-disk test mounts a tmpfs, which needs root; run it as root (CI does).\n');
      this.skip();
    }
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m,mode=0700', 'tmpfs', mount]);
    mounted = true;
    mkdirSync(paths.home, { recursive: true });
  });
  after(async () => {
    client?.close();
    daemon?.child.kill('SIGTERM');
    await daemon?.exited;
    if (mounted) execFileSync('umount', [mount]);
    rmSync(mount, { recursive: true, force: true });
    repo.remove();
  });

  it('fails the task with a reason naming the full disk, keeps what was recorded, and the store stays whole', async () => {
    daemon = await startDaemon(env, CLI_ENTRY, ['daemon']);
    client = (await connectToDaemon({ paths }))!;
    assert.ok(client, 'the daemon accepts a client');
    const seen = watch(client);
    await client.request(TaskSubscribe, { taskId: '*' });
    const task = await client.request(TaskStart, { repoPath: repo.repo, prompt: 'Make the answer 42' });
    // Mid-generation of the first step: whatever the model writes, the step cannot end without a write.
    await seen.until((e) => e.type === 'step.tokens' && e.taskId === task.id);
    const recorded = () => readStore(paths.database, (store) => ({
      task: store.db.prepare('SELECT prompt, base_commit FROM tasks WHERE id = ?').get(task.id),
      rounds: store.db.prepare('SELECT round FROM rounds WHERE task_id = ?').all(task.id),
      steps: store.db.prepare('SELECT id, state, output_hash FROM steps WHERE task_id = ? ORDER BY id').all(task.id) as { id: number; state: string; output_hash: string }[],
    }));
    const before = recorded();
    assert.deepEqual(before.rounds, [{ round: 1 }], 'the task and its round were recorded before the disk filled');

    fillDisk(join(mount, 'filler'));
    const failed = await seen.until((e) => e.type === 'task.state' && e.taskId === task.id && e.state !== 'running');
    assert.ok(failed.type === 'task.state');
    assert.deepEqual([failed.state, failed.stopReason], ['failed', 'error'], JSON.stringify(failed));
    assert.match(failed.reason ?? '', /^The disk is full \(.+\): .*Free some space on the disk that holds Tandem's home/);

    const detail = await client.request(TaskGet, { taskId: task.id });
    assert.deepEqual([detail.state, detail.failureReason], ['failed', failed.reason], 'the daemon says so while the store cannot');
    const cli = spawnEntry(CLI_ENTRY, ['task', task.id], env);
    await cli.exited;
    assert.match(cli.output(), /why it failed: The disk is full/);

    rmSync(join(mount, 'filler'));
    const after = recorded();
    assert.deepEqual([after.task, after.rounds], [before.task, before.rounds], 'nothing recorded before was lost');
    assert.deepEqual(after.steps.map((s) => s.id).slice(0, before.steps.length), before.steps.map((s) => s.id));
    assert.ok(after.steps.every((s) => s.state === 'done' && s.output_hash.length === 64), 'every recorded step is whole');
    assert.equal(readStore(paths.database, (store) => store.db.pragma('integrity_check', { simple: true })), 'ok');
  });
});

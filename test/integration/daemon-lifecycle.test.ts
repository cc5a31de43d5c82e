// The daemon's life as real processes: one instance, --stop, SIGTERM and kill -9 mid-task, restart.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectToDaemon, type DaemonClient } from '../../daemon/src/cli/daemon-client.js';
import type { TaskEvent } from '../../daemon/src/protocol/events.js';
import { Status, TaskGet, TaskStart, TaskSubscribe } from '../../daemon/src/protocol/messages.js';
import { isProcessAlive } from '../../daemon/src/server/discovery-file.js';
import { CLI_ENTRY, makeTandemHome, spawnEntry, startDaemon } from '../fixtures/daemon/spawn-daemon.js';
import { SqliteTaskRecords } from '../fixtures/daemon/sqlite-task-records.js';

const script = (steps: number, tokens: number, tokensPerSecond: number) => JSON.stringify({ steps, tokens, tokensPerSecond });

async function client(paths: ReturnType<typeof makeTandemHome>['paths']): Promise<DaemonClient> {
  const connected = await connectToDaemon({ paths });
  assert.ok(connected, 'a daemon is running');
  return connected;
}

/** Resolves once `count` events of the type arrived. */
function eventsOf(connected: DaemonClient, type: TaskEvent['type'], count: number): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => connected.onTaskEvent((event) => { if (event.type === type && ++seen === count) resolve(); }));
}

describe('daemon lifecycle (real processes)', () => {
  it('runs one instance: a second `tandem daemon` finds the first, says so and exits 0; --stop stops it', async () => {
    const home = makeTandemHome();
    try {
      const first = await startDaemon(home.env, CLI_ENTRY, ['daemon']);
      const second = spawnEntry(CLI_ENTRY, ['daemon'], home.env);
      assert.equal(await second.exited, 0);
      assert.match(second.output(), new RegExp(`already running \\(pid ${first.discovery.pid}, port ${first.discovery.port}\\)`));
      const stillServing = await client(home.paths);
      assert.equal((await stillServing.request(Status)).pid, first.discovery.pid);
      stillServing.close();

      const stop = spawnEntry(CLI_ENTRY, ['daemon', '--stop'], home.env);
      assert.equal(await stop.exited, 0);
      assert.match(stop.output(), new RegExp(`Stopped the Tandem daemon \\(pid ${first.discovery.pid}\\)`));
      assert.equal(await first.exited, 0);
      assert.equal(existsSync(home.paths.discovery), false, 'the discovery file is removed');
      const again = spawnEntry(CLI_ENTRY, ['daemon', '--stop'], home.env);
      assert.equal(await again.exited, 0);
      assert.match(again.output(), /No Tandem daemon is running/);
    } finally {
      home.remove();
    }
  });

  it('replaces a discovery file left by a dead daemon', async () => {
    const home = makeTandemHome();
    try {
      const deadPid = spawnSync(process.execPath, ['-e', '']).pid; // a process that has come and gone
      assert.equal(isProcessAlive(deadPid), false);
      writeFileSync(home.paths.discovery, JSON.stringify({ port: 9, pid: deadPid, token: 'old', version: 'x', startedAt: '' }), { mode: 0o600 });
      const daemon = await startDaemon(home.env);
      assert.equal(daemon.discovery.pid, daemon.child.pid);
      assert.notEqual(daemon.discovery.token, 'old');
      daemon.child.kill('SIGTERM');
      assert.equal(await daemon.exited, 0);
    } finally {
      home.remove();
    }
  });

  it('on SIGTERM mid-generation writes the current step, exits 0; the restart marks the task interrupted', async () => {
    const home = makeTandemHome();
    try {
      const daemon = await startDaemon(home.env);
      const watcher = await client(home.paths);
      const task = await watcher.request(TaskStart, { repoPath: '/repo', prompt: script(3, 1_000_000, 200) });
      const midStep = eventsOf(watcher, 'step.tokens', 3);
      await watcher.request(TaskSubscribe, { taskId: task.id });
      await midStep;
      daemon.child.kill('SIGTERM');
      assert.equal(await daemon.exited, 0);
      assert.equal(existsSync(home.paths.discovery), false);

      const store = new SqliteTaskRecords(home.paths.database);
      assert.equal(store.integrity(), 'ok');
      assert.equal(store.task(task.id)?.state, 'running', 'the task was cut off, not finished');
      const steps = store.steps(task.id);
      assert.equal(steps.length, 1, 'the step in progress was written');
      assert.deepEqual([steps[0]!.state, steps[0]!.stop_reason], ['cancelled', 'aborted']);
      assert.ok(steps[0]!.tokens_out >= 3);
      store.close();

      const restarted = await startDaemon(home.env);
      const reader = await client(home.paths);
      const detail = await reader.request(TaskGet, { taskId: task.id });
      assert.deepEqual([detail.state, detail.stopReason, detail.steps.length], ['interrupted', 'interrupted', 1]);
      reader.close();
      restarted.child.kill('SIGTERM');
      assert.equal(await restarted.exited, 0);
      assert.match(readFileSync(join(home.paths.logs, 'daemon.log'), 'utf8'), new RegExp(`marked 1 task\\(s\\) left running as interrupted: ${task.id}`));
    } finally {
      home.remove();
    }
  });

  it('after kill -9 mid-task, a restart replaces the stale discovery file and marks the task interrupted; the store is intact', async () => {
    const home = makeTandemHome();
    try {
      const daemon = await startDaemon(home.env);
      const watcher = await client(home.paths);
      const task = await watcher.request(TaskStart, { repoPath: '/repo', prompt: script(1000, 20, 400) });
      const twoSteps = eventsOf(watcher, 'step.finished', 2);
      await watcher.request(TaskSubscribe, { taskId: task.id });
      await twoSteps;
      daemon.child.kill('SIGKILL');
      assert.equal(await daemon.exited, 'SIGKILL');
      assert.equal(existsSync(home.paths.discovery), true, 'a killed daemon leaves its discovery file behind');

      const restarted = await startDaemon(home.env);
      assert.equal(restarted.discovery.pid, restarted.child.pid);
      const reader = await client(home.paths);
      const detail = await reader.request(TaskGet, { taskId: task.id });
      assert.equal(detail.state, 'interrupted');
      assert.ok(detail.steps.length >= 2 && detail.steps.length < 1000);
      assert.ok(detail.steps.every((s) => s.tokensOut === 20 && s.output.length > 0), 'every recorded step is whole');
      reader.close();
      restarted.child.kill('SIGTERM');
      assert.equal(await restarted.exited, 0);
      const store = new SqliteTaskRecords(home.paths.database);
      assert.equal(store.integrity(), 'ok');
      store.close();
    } finally {
      home.remove();
    }
  });
});

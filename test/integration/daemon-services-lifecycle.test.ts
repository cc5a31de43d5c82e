// Stopping and crashing the real daemon in the middle of a real task (fixture model, real git repo):
// SIGTERM writes the step in flight and exits 0, kill -9 loses nothing already written, and after
// either the store is intact and the task is interrupted; what the task had changed in its worktree
// waits for review after the restart, and a worktree without changes is removed; a task revived then
// keeps the critic and attempts switches it started with (stored with the task).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectToDaemon, type DaemonClient } from '../../daemon/src/cli/daemon-client.js';
import { ReviewApprove, ReviewReject, TaskCancel, TaskGet, TaskStart, TaskSubscribe } from '../../daemon/src/protocol/messages.js';
import { readStore } from '../fixtures/daemon/real-tasks.js';
import { CLI_ENTRY, makeTandemHome, startDaemon, type DaemonProcess } from '../fixtures/daemon/spawn-daemon.js';
import { watch } from '../fixtures/daemon/task-watch.js';
import { git, makeTempRepo } from './support/temp-repo.js';

interface StepRow { round: number; state: string; stop_reason: string; output_hash: string }

describe('daemon lifecycle with the real services (real processes, fixture model)', () => {
  const home = makeTandemHome();
  const repo = makeTempRepo({ 'README.md': '# sample\n', 'src/app.ts': 'export const answer = 41;\n' });
  let daemon: DaemonProcess | null = null;
  let client: DaemonClient;

  const start = async () => {
    daemon = await startDaemon(home.env, CLI_ENTRY, ['daemon']);
    const connected = await connectToDaemon({ paths: home.paths });
    assert.ok(connected);
    client = connected;
  };
  /** Starts a task and resolves once its first generation is streaming tokens. */
  const taskMidGeneration = async (prompt: string, switches: { critic?: boolean; attempts?: number } = {}) => {
    const seen = watch(client);
    await client.request(TaskSubscribe, { taskId: '*' });
    const task = await client.request(TaskStart, { repoPath: repo.repo, prompt, ...switches });
    await seen.until((e) => e.type === 'step.tokens' && e.taskId === task.id);
    return task;
  };
  const stepsOf = (taskId: string) => readStore(home.paths.database, (store) =>
    store.db.prepare('SELECT round, state, stop_reason, output_hash FROM steps WHERE task_id = ? ORDER BY id').all(taskId) as StepRow[]);
  const integrity = () => readStore(home.paths.database, (store) => store.db.pragma('integrity_check', { simple: true }));

  after(async () => {
    client?.close();
    daemon?.child.kill('SIGTERM');
    await daemon?.exited;
    home.remove();
    repo.remove();
  });

  it('on SIGTERM mid-generation writes the step in flight, records the task interrupted and exits 0', async () => {
    // The signal is sent at the first streamed token, but a short step can end before it lands (a loaded
    // machine, a fast decoder): such a try still checks the rest and another task is started, until one is
    // caught mid-step. What a try found is printed, so a lost race never passes unseen.
    let caught: { taskId: string; steps: number } | null = null;
    for (let attempt = 1; attempt <= 6 && !caught; attempt++) {
      await start();
      const task = await taskMidGeneration(`Make the answer ${41 + attempt}`);
      daemon!.child.kill('SIGTERM');
      assert.equal(await daemon!.exited, 0);
      daemon = null;
      assert.equal(existsSync(home.paths.discovery), false);
      assert.equal(integrity(), 'ok');
      const steps = stepsOf(task.id);
      assert.ok(steps.length >= 1);
      assert.ok(steps.slice(0, -1).every((s) => s.state === 'done'));
      const row = readStore(home.paths.database, (store) => store.db.prepare('SELECT state, stop_reason FROM tasks WHERE id = ?').get(task.id));
      assert.deepEqual(row, { state: 'interrupted', stop_reason: 'interrupted' }, 'written before the daemon exited');
      assert.equal(git(repo.repo, ['status', '--porcelain']), '', 'the user\'s tree was not touched');
      const last = steps.at(-1)!;
      if (last.state === 'done') {
        console.log(`      (try ${attempt}: the step ended before SIGTERM landed; another task)`);
        continue;
      }
      assert.deepEqual([last.state, last.stop_reason], ['cancelled', 'aborted'], 'the step in flight was written');
      caught = { taskId: task.id, steps: steps.length };
    }
    assert.ok(caught, 'no try in 6 caught a step mid-generation');

    await start();
    const detail = await client.request(TaskGet, { taskId: caught.taskId });
    assert.deepEqual([detail.stopReason, detail.steps.length], ['interrupted', caught.steps]);
    if (caught.steps === 1) {
      assert.equal(detail.state, 'interrupted');
      assert.equal(existsSync(join(home.paths.worktrees, caught.taskId)), false, 'stopped before any tool ran: nothing to keep');
    } else {
      assert.ok(['interrupted', 'review'].includes(detail.state), `${detail.state}: a later step's tool may have left changes to review`);
    }
  });

  it('after kill -9 mid-generation, a restart offers what the task changed for review; every step written is whole, the store intact', async () => {
    const task = await taskMidGeneration('Make the answer 43');
    daemon!.child.kill('SIGKILL');
    assert.equal(await daemon!.exited, 'SIGKILL');
    daemon = null;
    assert.equal(existsSync(home.paths.discovery), true, 'a killed daemon leaves its discovery file behind');
    const worktree = join(home.paths.worktrees, task.id);
    assert.equal(existsSync(worktree), true, 'and its task\'s worktree');
    // What the worker had written before the crash (the fixture model rarely gets that far by itself).
    writeFileSync(join(worktree, 'src/app.ts'), 'export const answer = 43;\n');

    await start();
    const detail = await client.request(TaskGet, { taskId: task.id });
    assert.deepEqual([detail.state, detail.stopReason], ['review', 'interrupted'], 'its changes wait for review');
    assert.deepEqual(detail.diff?.files.map((f) => f.path), ['src/app.ts']);
    const steps = stepsOf(task.id);
    assert.ok(steps.every((s) => s.state === 'done' && s.output_hash.length === 64), 'only whole steps were written');
    assert.equal(detail.steps.length, steps.length);
    assert.equal(integrity(), 'ok');
    assert.equal(git(repo.repo, ['status', '--porcelain']), '', 'nothing reached the user before approval');

    const applied = await client.request(ReviewApprove, { taskId: task.id, files: [{ path: 'src/app.ts', verdict: 'approve' }] });
    assert.deepEqual(applied.applied, ['src/app.ts']);
    assert.equal(readFileSync(join(repo.repo, 'src/app.ts'), 'utf8'), 'export const answer = 43;\n');
  });

  it('a task revived after kill -9 keeps the critic and attempts it started with, not the daemon\'s defaults', async () => {
    const task = await taskMidGeneration('Make the answer 44', { critic: true, attempts: 3 });
    daemon!.child.kill('SIGKILL');
    await daemon!.exited;
    daemon = null;
    writeFileSync(join(home.paths.worktrees, task.id, 'src/app.ts'), 'export const answer = 44;\n');

    await start(); // no TANDEM_CRITIC / TANDEM_ATTEMPTS: this daemon's own switches are off and 1
    assert.equal((await client.request(TaskGet, { taskId: task.id })).state, 'review');
    const seen = watch(client);
    await client.request(TaskSubscribe, { taskId: task.id });
    await client.request(ReviewReject, { taskId: task.id, reason: 'use a constant', retry: true });
    const next = await seen.until((e) => e.type === 'round.started' && e.taskId === task.id && e.round === 2);
    assert.deepEqual(next.type === 'round.started' && next.agentOptions, { critic: true, attempts: 3 }, 'round 2 runs with the stored switches');
    await client.request(TaskCancel, { taskId: task.id });
  });
});

// Headless use as a user does it, with real processes, the real services, the fixture model, real git:
// `tandem run` against a running daemon (as its client), `review --reject` into round 2, then with the
// daemon stopped, `review --approve` in-process changes the user's files, and `run` works in-process.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RoundReport } from '../../daemon/src/cli/task-report.js';
import type { TaskDetailWithRounds } from '../../daemon/src/protocol/task-rounds.js';
import type { ApplyResult, TaskSummary } from '../../daemon/src/protocol/types.js';
import { git, makeTempRepo, type TempRepo } from './support/temp-repo.js';
import { buildOnce, makeTandemHome, startRealDaemon, type TandemHome } from './support/tandem-cli.js';

/** The fixture's orchestrator usually gives up at once: a few percent of tasks make a change. */
const MAX_RUNS = 80;

/** Runs differently worded tasks until one reaches review; checks every run's exit code against its state. */
async function runUntilReview(tandem: TandemHome, repo: string): Promise<{ report: RoundReport; ids: string[] }> {
  const ids: string[] = [];
  for (let attempt = 1; attempt <= MAX_RUNS; attempt++) {
    const run = await tandem.tandemJson<RoundReport>('run', '--repo', repo, `Make lineTotal multiply by quantity (try ${attempt})`);
    const report = run.json;
    ids.push(report.taskId);
    assert.equal(run.code, ['review', 'finished'].includes(report.state) ? 0 : 1, `exit code of a run that ended ${report.state}`);
    assert.equal(report.round, 1);
    if (report.state === 'review') return { report, ids };
    assert.equal(report.diff, null, 'no diff is reported for a round that ended without one');
  }
  throw new Error(`None of ${MAX_RUNS} tasks reached review; the fixture's odds are a few percent per task.`);
}

describe('tandem run / review / tasks / task (real processes)', function () {
  this.timeout(900_000);
  let tandem: TandemHome;
  let sample: TempRepo;

  before(() => {
    buildOnce();
    tandem = makeTandemHome();
    sample = makeTempRepo({
      'src/cart.js': 'export const lineTotal = (item) => item.price;\n',
      'test/cart.test.js': "import { lineTotal } from '../src/cart.js';\nif (lineTotal({ price: 2, quantity: 3 }) !== 6) process.exit(1);\n",
    });
  });
  after(() => {
    tandem?.remove();
    sample?.remove();
  });

  it('runs as a client of the daemon, rejects into round 2, then approves in-process onto the user\'s files', async () => {
    const daemon = await startRealDaemon(tandem);
    let taskId = '';
    try {
      const { report, ids } = await runUntilReview(tandem, sample.repo);
      taskId = report.taskId;
      assert.ok(report.diff && report.diff.files.length > 0);
      assert.ok(report.worktreePath && existsSync(report.worktreePath), 'the change waits in its worktree');
      assert.deepEqual(report.steps.orchestrator.adapterVersions, [1], "the orchestrator ran on the fixture's adapter v1");
      assert.deepEqual(report.steps.worker.adapterVersions, [1], 'the worker made the change on its adapter v1');
      assert.ok(report.next.some((line) => line.includes(`tandem review ${taskId} --approve`)));

      // The daemon ran them: its log has every task, and the list has them all.
      const log = readFileSync(join(tandem.paths.logs, 'daemon.log'), 'utf8');
      assert.match(log, new RegExp(`\\[${daemon.pid}\\] task ${taskId} round 1: review`));
      const listed = await tandem.tandemJson<TaskSummary[]>('tasks');
      assert.deepEqual(new Set(listed.json.map((t) => t.id)), new Set(ids));
      assert.equal(listed.json.find((t) => t.id === taskId)?.state, 'review');

      const reason = "Keep lineTotal's name and multiply the price by the quantity";
      const retried = await tandem.tandemJson<RoundReport>('review', taskId, '--reject', reason);
      assert.equal(retried.json.taskId, taskId);
      assert.equal(retried.json.round, 2, 'the rejection started round 2 and the CLI followed it to its end');
      const detail = (await tandem.tandemJson<TaskDetailWithRounds>('task', taskId)).json;
      assert.equal(detail.round, 2);
      assert.deepEqual(detail.rounds?.map((r) => [r.round, r.feedback]), [[1, null], [2, reason]]);
      assert.ok(detail.steps.some((step) => step.round === 2), 'round 2 has steps of its own');
      assert.equal(detail.state, retried.json.state);
    } finally {
      const stop = await tandem.tandem('daemon', '--stop');
      assert.equal(stop.code, 0, stop.stderr);
      assert.equal(await daemon.exited, 0);
    }

    // No daemon now: the same commands build the services in their own process.
    let reviewable = (await tandem.tandemJson<TaskDetailWithRounds>('task', taskId)).json;
    if (reviewable.state !== 'review') reviewable = (await tandem.tandemJson<TaskDetailWithRounds>('task', (await runUntilReview(tandem, sample.repo)).report.taskId)).json;
    const approved = await tandem.tandemJson<ApplyResult & { state: string }>('review', reviewable.id, '--approve');
    assert.equal(approved.code, 0, approved.stdout);
    assert.deepEqual(approved.json.conflicts, []);
    assert.deepEqual([...approved.json.applied].sort(), reviewable.diff!.files.map((f) => f.path).sort());
    assert.equal(approved.json.state, 'applied');
    const changed = git(sample.repo, ['status', '--porcelain', '-z', '--untracked-files=all']).split('\0').filter(Boolean).map((line) => line.slice(3));
    for (const file of reviewable.diff!.files) {
      assert.ok(changed.includes(file.path), `${file.path} changed in the user's repository`);
      if (file.status !== 'deleted') assert.ok(existsSync(join(sample.repo, file.path)));
    }
    const after = (await tandem.tandemJson<TaskDetailWithRounds>('task', reviewable.id)).json;
    assert.equal(after.state, 'applied');
  });

  it('runs in-process when no daemon is running, and bad input gets a clear error', async () => {
    const run = await tandem.tandemJson<RoundReport>('run', '--repo', sample.repo, 'Add a README that explains the cart');
    assert.equal(run.code, ['review', 'finished'].includes(run.json.state) ? 0 : 1);
    assert.ok(run.json.steps.orchestrator.count >= 1);
    const listed = await tandem.tandemJson<TaskSummary[]>('tasks', '--limit', '1');
    assert.equal(listed.json[0]?.id, run.json.taskId);
    const log = readFileSync(join(tandem.paths.logs, 'daemon.log'), 'utf8');
    assert.match(log, new RegExp(`task ${run.json.taskId} round 1: ${run.json.state}`), 'the in-process services log to the same file');

    const notARepo = await tandem.tandem('run', '--repo', tandem.home, 'anything');
    assert.equal(notARepo.code, 1);
    assert.match(notARepo.stderr, /git/i);
    const noTask = await tandem.tandem('review', 'no-such-task', '--approve');
    assert.equal(noTask.code, 1);
    assert.match(noTask.stderr, /No task no-such-task/);
    const both = await tandem.tandem('review', run.json.taskId, '--approve', '--reject', 'x');
    assert.equal(both.code, 2);
  });
});

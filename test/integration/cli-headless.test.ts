// Headless use as a user does it, with real processes, the real services, the fixture model, real git:
// `tandem run` against a running daemon (as its client), `review --reject` into round 2, then with the
// daemon stopped, `review --approve` in-process changes the user's files, and `run` works in-process.
// The agents' actions are scripted (the model evaluates them), so every task takes the path the test reads.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RoundReport } from '../../daemon/src/cli/task-report.js';
import type { TaskDetailWithRounds } from '../../daemon/src/protocol/task-rounds.js';
import type { ApplyResult, TaskSummary } from '../../daemon/src/protocol/types.js';
import { git, makeTempRepo, type TempRepo } from './support/temp-repo.js';
import { writeReviewScript } from '../support/review-script.js';
import { buildOnce, makeTandemHome, startRealDaemon, type TandemHome } from './support/tandem-cli.js';

/** The change every task makes: the daemon's actions are scripted (test/support/review-script.ts), the model evaluates them. */
const CHANGE = {
  instruction: 'Multiply the price by the quantity',
  path: 'src/cart.js',
  content: 'export const lineTotal = (i) => i.price * i.quantity;\n',
};

/** Runs a task that must reach review; checks the run's exit code against its state. */
async function runToReview(tandem: TandemHome, repo: string, prompt: string): Promise<RoundReport> {
  const run = await tandem.tandemJson<RoundReport>('run', '--repo', repo, prompt);
  const report = run.json;
  assert.equal(run.code, 0, `exit code of a run that ended ${report.state}: ${run.stdout} ${run.stderr}`);
  assert.equal(report.round, 1);
  assert.equal(report.state, 'review', `the scripted task went to review (it ended ${report.state}: ${JSON.stringify(report.next)})`);
  return report;
}

describe('tandem run / review / tasks / task (real processes)', function () {
  this.timeout(900_000);
  let tandem: TandemHome;
  let sample: TempRepo;

  before(() => {
    buildOnce();
    tandem = makeTandemHome();
    tandem.env.TANDEM_ACTION_SCRIPT = writeReviewScript(tandem.home, CHANGE);
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
      const status = await tandem.tandem('status');
      assert.match(status.stdout, /actions: +scripted by .*review-script\.json \(TANDEM_ACTION_SCRIPT\)/, 'the daemon says its actions are scripted');
      const report = await runToReview(tandem, sample.repo, 'Make lineTotal multiply by quantity');
      taskId = report.taskId;
      assert.deepEqual(report.diff?.files.map((f) => [f.path, f.status]), [[CHANGE.path, 'modified']], 'the scripted change is the diff');
      assert.ok(report.worktreePath && existsSync(report.worktreePath), 'the change waits in its worktree');
      assert.deepEqual(report.steps.orchestrator.adapterVersions, [1], "the orchestrator ran on the fixture's adapter v1");
      assert.deepEqual(report.steps.worker.adapterVersions, [1], 'the worker made the change on its adapter v1');
      assert.ok(report.next.some((line) => line.includes(`tandem review ${taskId} --approve`)));

      // The daemon ran them: its log has every task, and the list has them all.
      const log = readFileSync(join(tandem.paths.logs, 'daemon.log'), 'utf8');
      assert.match(log, new RegExp(`\\[${daemon.pid}\\] task ${taskId} round 1: review`));
      const listed = await tandem.tandemJson<TaskSummary[]>('tasks');
      assert.deepEqual(listed.json.map((t) => t.id), [taskId]);
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
    const reviewable = (await tandem.tandemJson<TaskDetailWithRounds>('task', taskId)).json;
    assert.equal(reviewable.state, 'review', 'round 2 made the same scripted change, and it waits for review');
    const approved = await tandem.tandemJson<ApplyResult & { state: string }>('review', reviewable.id, '--approve');
    assert.equal(approved.code, 0, approved.stdout);
    assert.deepEqual(approved.json.conflicts, []);
    assert.deepEqual([...approved.json.applied].sort(), reviewable.diff!.files.map((f) => f.path).sort());
    assert.equal(approved.json.state, 'applied');
    const changed = git(sample.repo, ['status', '--porcelain', '-z', '--untracked-files=all']).split('\0').filter(Boolean).map((line) => line.slice(3));
    assert.deepEqual(changed, [CHANGE.path]);
    assert.equal(readFileSync(join(sample.repo, CHANGE.path), 'utf8'), CHANGE.content, "the approved change is in the user's file");
    const after = (await tandem.tandemJson<TaskDetailWithRounds>('task', reviewable.id)).json;
    assert.equal(after.state, 'applied');
  });

  it('runs in-process when no daemon is running, and bad input gets a clear error', async () => {
    const run = await tandem.tandemJson<RoundReport>('run', '--repo', sample.repo, 'Add a README that explains the cart');
    assert.equal(run.code, 0);
    assert.equal(run.json.state, 'review', 'the task is based on HEAD, where the scripted change is not made yet');
    assert.deepEqual([run.json.steps.orchestrator.count, run.json.steps.worker.count], [3, 2], 'delegate, accept, finish; write_file, done');
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

// The real services through the real daemon process: the fixture model and its adapters, real tasks
// on a real git repo, review (approve, conflict, reject with a retry), hot-swapped adapters, cancel,
// export and signals, all over the WebSocket as a client sees them. The tasks that go to review have
// scripted actions (test/support/review-script.ts: the model evaluates them); the others are the model's own.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectToDaemon, type DaemonClient } from '../../daemon/src/cli/daemon-client.js';
import type { AdaptersChanged } from '../../daemon/src/protocol/adapter-evaluation.js';
import { ErrorCodes } from '../../daemon/src/protocol/errors.js';
import {
  AdaptersAdd, AdaptersList, ExportRun, ReviewApprove, ReviewOriginal, ReviewReject, SignalsScan, StatsGet, Status, TaskCancel,
  TaskGet, TaskList, TaskStart, TaskSubscribe,
} from '../../daemon/src/protocol/messages.js';
import type { ProgressEvent, TaskDetail } from '../../daemon/src/protocol/types.js';
import { writeFixtureAdapter } from '../../daemon/src/runtime/fixture-adapter.js';
import { writeFixtureModel } from '../../daemon/src/runtime/fixture-model.js';
import { stepMessages, taskReviews } from '../../daemon/src/store/task-queries.js';
import { readStore, roundEnd, tasksInReview } from '../fixtures/daemon/real-tasks.js';
import { CLI_ENTRY, makeTandemHome, startDaemon, type DaemonProcess } from '../fixtures/daemon/spawn-daemon.js';
import { watch, type TaskWatch } from '../fixtures/daemon/task-watch.js';
import { writeReviewScript, type ScriptedChange } from '../support/review-script.js';
import { git, makeTempRepo } from './support/temp-repo.js';

const rejectsWith = (code: number, message: RegExp) => (error: { code?: number; message?: string }) =>
  error.code === code && message.test(error.message ?? '');

/** What the three tasks that go to review change: a modified file and two new ones. */
const REVIEW_CHANGES: ScriptedChange[] = [
  { prompt: 'Make the answer 42 #1', instruction: 'Set the answer to 42', path: 'src/app.ts', content: 'export const answer = 42;\n' },
  { prompt: 'Make the answer 42 #2', instruction: 'Add a notes file', path: 'notes.md', content: '# Notes\nThe answer is 42.\n' },
  { prompt: 'Make the answer 42 #3', instruction: 'Add a second constant', path: 'src/more.ts', content: 'export const more = 1;\n' },
];

describe('daemon services (real daemon, fixture model, real git repo)', () => {
  const home = makeTandemHome();
  // Scans only on demand, so the scan results asserted below are this test's own.
  home.env.TANDEM_SIGNALS_SCAN_MINUTES = '0';
  home.env.TANDEM_ACTION_SCRIPT = writeReviewScript(home.home, REVIEW_CHANGES);
  const repo = makeTempRepo({ 'README.md': '# sample\n', 'src/app.ts': 'export const answer = 41;\n' });
  const scratch = mkdtempSync(join(tmpdir(), 'tandem-services-scratch-'));
  let daemon: DaemonProcess;
  let client: DaemonClient;
  let seen: TaskWatch;
  const clients: DaemonClient[] = [];
  let inReview: TaskDetail[] = [];

  const connect = async () => {
    const connected = await connectToDaemon({ paths: home.paths });
    assert.ok(connected, 'the daemon accepts a client');
    clients.push(connected);
    return connected;
  };
  const start = async () => {
    daemon = await startDaemon(home.env, CLI_ENTRY, ['daemon']);
    client = await connect();
    seen = watch(client);
    await client.request(TaskSubscribe, { taskId: '*' });
  };

  before(start);
  after(async () => {
    for (const c of clients) c.close();
    daemon?.child.kill('SIGTERM');
    await daemon?.exited;
    home.remove();
    repo.remove();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('reports the fixture model and the adapter version of each role', async () => {
    const status = await client.request(Status);
    assert.equal(status.model?.fixture, true);
    assert.equal(status.model?.name, 'tandem-fixture-tiny');
    assert.equal(status.backend, 'cpu');
    assert.deepEqual([status.adapters.orchestrator.version, status.adapters.worker.version], [1, 1]);
    const registered = await client.request(AdaptersList, {});
    for (const role of ['orchestrator', 'worker'] as const) {
      assert.equal(registered.find((a) => a.role === role && a.active)?.sha256, status.adapters[role].sha256);
    }
  });

  it('warms the model up after loading and says why no GPU is used', async () => {
    let status = await client.request(Status);
    // The warm-up runs in the background; a few fixture-model tokens, so this loop is short.
    while (status.warmup?.state === 'preparing') status = await client.request(Status);
    assert.equal(status.warmup?.state, 'ready');
    assert.equal(status.warmup?.label, 'warming up the model on the CPU');
    assert.equal(status.gpu?.backend, 'cpu');
    assert.ok(status.gpu?.notUsed?.message, 'the CPU backend comes with its reason');
  });

  it('refuses a task on a folder that is not a git repository, and leaves nothing behind', async () => {
    const plain = join(scratch, 'not-a-repo');
    mkdirSync(plain);
    await assert.rejects(client.request(TaskStart, { repoPath: plain, prompt: 'anything' }),
      rejectsWith(ErrorCodes.WorkspaceViolation, /not inside a git repository/));
    await assert.rejects(client.request(TaskStart, { repoPath: repo.repo, prompt: '  ' }), rejectsWith(-32602, /prompt/));
    assert.deepEqual(await client.request(TaskList, {}), []);
    assert.deepEqual(existsSync(home.paths.worktrees) ? readdirSync(home.paths.worktrees) : [], [], 'no worktree was made');
  });

  it('runs tasks to review; a second client watching a task gets the same events', async () => {
    const other = await connect();
    const seenByOther = watch(other);
    const found = await tasksInReview(client, seen, repo.repo, {
      count: REVIEW_CHANGES.length, label: 'Make the answer 42',
      onStart: (taskId) => other.request(TaskSubscribe, { taskId }),
    });
    inReview = found.review;
    assert.deepEqual(inReview.map((t) => t.diff?.files.map((f) => [f.path, f.status])),
      [[['src/app.ts', 'modified']], [['notes.md', 'added']], [['src/more.ts', 'added']]], 'each task made its scripted change');
    for (const task of found.started) {
      assert.ok(task.stopReason !== null, `task ${task.id} recorded a stop reason`);
      assert.ok(task.steps.length > 0 && task.steps.length <= 24, 'each round ends within the fixture budget');
    }
    const watched = inReview[0]!;
    const mine = seen.events.filter((e) => e.taskId === watched.id);
    const theirs = seenByOther.events.filter((e) => e.taskId === watched.id);
    // The other client subscribed a moment after the start: it saw everything from then on.
    assert.deepEqual(theirs, mine.slice(mine.length - theirs.length));
    const types = new Set(theirs.map((e) => e.type));
    for (const type of ['step.started', 'step.tokens', 'step.finished', 'task.state', 'diff.ready'] as const) assert.ok(types.has(type), type);
    assert.deepEqual(theirs.at(-1), { type: 'task.state', taskId: watched.id, state: 'review', stopReason: watched.stopReason });
    const streamed = mine.flatMap((e) => (e.type === 'step.tokens' ? [e.text] : [])).join('');
    assert.equal(streamed, watched.steps.map((s) => s.output).join(''), 'the streamed tokens are the recorded outputs');
    assert.equal(git(repo.repo, ['status', '--porcelain']), '', 'no task touched the user\'s tree');
  });

  it('approves a file: exactly the agent\'s version reaches the user\'s tree, the review is recorded, the task ends applied', async () => {
    const task = inReview[0]!;
    const detail = await client.request(TaskGet, { taskId: task.id });
    const worktree = detail.worktreePath!;
    assert.ok(worktree && existsSync(worktree), 'the task\'s worktree is live');
    const readme = await client.request(ReviewOriginal, { taskId: task.id, path: 'README.md' });
    assert.equal(readme.content, '# sample\n');
    const [first, ...rest] = detail.diff!.files;
    const original = await client.request(ReviewOriginal, { taskId: task.id, path: first!.path });
    assert.equal(original.content, first!.status === 'added' ? null : git(repo.repo, ['show', `HEAD:${first!.path}`]));

    await assert.rejects(client.request(ReviewApprove, { taskId: task.id, files: [{ path: 'no/such/file.ts', verdict: 'approve' }] }),
      rejectsWith(-32602, /no\/such\/file\.ts/));
    await assert.rejects(client.request(ReviewReject, { taskId: task.id, reason: ' ', retry: false }), rejectsWith(-32602, /reason/));
    const agentVersion = readFileSync(join(worktree, first!.path));
    const result = await client.request(ReviewApprove, { taskId: task.id, files: [{ path: first!.path, verdict: 'approve' }] });
    assert.deepEqual(result, { applied: [first!.path], conflicts: [], commit: null });
    assert.deepEqual(readFileSync(join(repo.repo, first!.path)), agentVersion);
    for (const file of rest) assert.equal(existsSync(join(repo.repo, file.path)), file.status === 'deleted' || file.status === 'modified');

    if (rest.length) {
      assert.equal((await client.request(TaskGet, { taskId: task.id })).state, 'review', 'files without a verdict are still to review');
      await client.request(ReviewReject, { taskId: task.id, reason: 'only the first file was wanted', files: rest.map((f) => f.path), retry: false });
    }
    const after = await client.request(TaskGet, { taskId: task.id });
    assert.equal(after.state, 'applied');
    assert.equal(existsSync(worktree), false, 'the worktree of a settled task is removed');
    assert.equal(git(repo.repo, ['branch', '--list', `tandem/${task.id}`]), '');
    const reviews = readStore(home.paths.database, (store) => taskReviews(store, task.id));
    assert.deepEqual(reviews.map((r) => [r.path, r.verdict]), [[first!.path, 'approve'], ...rest.map((f) => [f.path, 'reject'])]);
    const stats = await client.request(StatsGet);
    assert.equal(stats.overall.reviewed, 1);
    assert.equal(stats.overall.approvalRate, 1);
  });

  it('reports merged once the applied change lands on the default branch', async () => {
    const task = inReview[0]!;
    const applied = readStore(home.paths.database, (store) => taskReviews(store, task.id)).filter((r) => r.verdict === 'approve');
    const scan = async (params: { repoPath?: string }) => {
      const { merged, reverted } = await client.request(SignalsScan, params);
      return { merged, reverted };
    };
    assert.deepEqual(await scan({ repoPath: repo.repo }), { merged: 0, reverted: 0 });
    git(repo.repo, ['--literal-pathspecs', 'add', '--', ...applied.map((r) => r.path)]);
    git(repo.repo, ['commit', '-q', '-m', 'Take the agent\'s change']);
    assert.deepEqual(await scan({ repoPath: repo.repo }), { merged: 1, reverted: 0 });
    assert.deepEqual(await scan({}), { merged: 0, reverted: 0 }, 'a signal is recorded once');
    assert.equal((await client.request(StatsGet)).overall.mergedRate, 1);
  });

  it('reports a conflict with the user\'s own edit, leaving the user\'s file and the agent\'s version as they were', async () => {
    const task = await client.request(TaskGet, { taskId: inReview[1]!.id });
    const file = task.diff!.files.find((f) => f.status !== 'deleted')!;
    const userPath = join(repo.repo, file.path);
    mkdirSync(join(userPath, '..'), { recursive: true });
    writeFileSync(userPath, 'the user wrote this first\n');
    const agentPath = join(task.worktreePath!, file.path);
    const agentVersion = readFileSync(agentPath);

    const result = await client.request(ReviewApprove, { taskId: task.id, files: [{ path: file.path, verdict: 'approve' }] });
    assert.deepEqual(result.applied, []);
    assert.deepEqual(result.conflicts.map((c) => c.path), [file.path]);
    assert.equal(readFileSync(userPath, 'utf8'), 'the user wrote this first\n');
    assert.deepEqual(readFileSync(agentPath), agentVersion);
    assert.equal((await client.request(TaskGet, { taskId: task.id })).state, 'review');
    assert.deepEqual(readStore(home.paths.database, (store) => taskReviews(store, task.id)), [], 'nothing was recorded as approved');
    rmSync(userPath);
  });

  it('rejects with a reason and retries: round 2 starts with the reason, and the orchestrator reads it first', async () => {
    const task = inReview[1]!;
    const reason = 'The answer must stay in src/app.ts, not in a new file';
    const from = seen.events.length;
    const summary = await client.request(ReviewReject, { taskId: task.id, reason, retry: true });
    assert.equal(summary.round, 2);
    const started = await seen.until((e) => e.type === 'round.started' && e.taskId === task.id && e.round === 2);
    assert.deepEqual(started, { type: 'round.started', taskId: task.id, round: 2, feedback: reason, agentOptions: { critic: false, attempts: 1 } });
    await roundEnd(seen, task.id, from);
    const detail = await client.request(TaskGet, { taskId: task.id });
    assert.equal(detail.round, 2);
    assert.ok(detail.stopReason !== null);
    const firstOfRound2 = detail.steps.find((s) => s.round === 2)!;
    assert.equal(firstOfRound2.role, 'orchestrator');
    const messages = readStore(home.paths.database, (store) => stepMessages(store, firstOfRound2.id))!;
    assert.equal(messages[0]!.role, 'system');
    assert.equal(messages[1]!.role, 'user');
    assert.ok(messages[1]!.content.includes(reason), 'the human\'s reason opens round 2');
    const reviews = readStore(home.paths.database, (store) => taskReviews(store, task.id));
    assert.ok(reviews.length > 0 && reviews.every((r) => r.verdict === 'reject' && r.reason === reason));
  });

  it('hot-swaps an added adapter: the next step records the new version, every window hears of it; a bad adapter file is refused and the daemon keeps serving', async () => {
    const otherWindow = await connect();
    const changes: AdaptersChanged[] = [];
    otherWindow.onAdaptersChanged((change) => changes.push(change));
    // Another seed of the same preset: different weights, the shapes of the loaded base model.
    const fresh = await writeFixtureModel(join(scratch, 'fresh'), { preset: 'tiny', seed: 2 });
    const added = await client.request(AdaptersAdd, { role: 'orchestrator', path: fresh.adapters.orchestrator });
    assert.deepEqual([added.version, added.active], [2, true]);
    await otherWindow.request(Status); // a round trip: what the daemon sent this client before has arrived
    assert.deepEqual(changes, [{ role: 'orchestrator', change: 'registered', version: 2, active: 2 }]);
    assert.deepEqual((await client.request(Status)).adapters.orchestrator, { role: 'orchestrator', version: 2, sha256: added.sha256 });

    const task = await client.request(TaskStart, { repoPath: repo.repo, prompt: 'Make the answer 43' });
    const announced = await seen.until((e) => e.type === 'step.started' && e.taskId === task.id);
    assert.equal(announced.type === 'step.started' && announced.adapter.version, 2);
    await roundEnd(seen, task.id);
    const steps = (await client.request(TaskGet, { taskId: task.id })).steps;
    assert.deepEqual(steps[0]!.adapter, { role: 'orchestrator', version: 2, sha256: added.sha256 });

    const notGguf = join(scratch, 'notes.gguf');
    writeFileSync(notGguf, 'these are notes, not an adapter\n');
    await assert.rejects(client.request(AdaptersAdd, { role: 'worker', path: notGguf }), rejectsWith(ErrorCodes.BadAdapterFile, /notes\.gguf/));
    const misfit = join(scratch, 'misfit.gguf');
    await writeFixtureAdapter(misfit, { name: 'misfit', seed: 3, rank: 4, alpha: 8, targets: [['blk.0.attn_q', [32, 32]]] });
    await assert.rejects(client.request(AdaptersAdd, { role: 'worker', path: misfit }), rejectsWith(ErrorCodes.BadAdapterFile, /misfit\.gguf/));
    const status = await client.request(Status);
    assert.deepEqual([status.adapters.orchestrator.version, status.adapters.worker.version], [2, 1]);
    assert.equal((await client.request(AdaptersList, { role: 'worker' })).length, 1, 'nothing was registered');
    await otherWindow.request(Status);
    assert.equal(changes.length, 1, 'a refused adapter is no news');
  });

  it('cancels a task in the middle of a generation: the task is cancelled and the step recorded as cancelled', async () => {
    let cancelledMidStep = false;
    for (let attempt = 1; attempt <= 5 && !cancelledMidStep; attempt++) {
      const task = await client.request(TaskStart, { repoPath: repo.repo, prompt: `Cancel me #${attempt}` });
      await seen.until((e) => e.type === 'step.tokens' && e.taskId === task.id);
      const cancelled = await client.request(TaskCancel, { taskId: task.id });
      if (cancelled.state !== 'cancelled') continue; // the round had already ended on its own
      assert.equal(cancelled.stopReason, 'cancelled');
      const states = readStore(home.paths.database, (store) =>
        store.db.prepare('SELECT state, stop_reason FROM steps WHERE task_id = ? ORDER BY id').all(task.id) as { state: string; stop_reason: string }[]);
      assert.ok(states.slice(0, -1).every((s) => s.state === 'done'));
      cancelledMidStep = states.at(-1)?.state === 'cancelled' && states.at(-1)?.stop_reason === 'aborted';
    }
    assert.ok(cancelledMidStep, 'one of five cancels landed in the middle of a generation');
    const status = await client.request(Status);
    assert.deepEqual([status.generating, status.tasksRunning], [false, 0]);
  });

  it('exports a dataset, with progress sent to the client that asked', async () => {
    const bystander = await connect();
    const [asked, overheard]: ProgressEvent[][] = [[], []];
    client.onProgress((event) => asked.push(event));
    bystander.onProgress((event) => overheard.push(event));
    const out = join(scratch, 'export', 'dataset.jsonl');
    const manifest = await client.request(ExportRun, { format: 'openai-sft', role: 'all', out });
    assert.ok(asked.length > 0 && asked.at(-1)!.finished);
    assert.ok(manifest.files.length > 0);
    for (const file of manifest.files) {
      const lines = readFileSync(join(scratch, 'export', file.path), 'utf8').split('\n').filter(Boolean);
      assert.equal(lines.length, file.records);
      for (const line of lines) assert.ok(Array.isArray(JSON.parse(line).messages));
    }
    await bystander.request(Status);
    assert.deepEqual(overheard, []);
  });

  it('keeps a task in review across a daemon restart: its worktree is reopened and it can be approved', async () => {
    const task = inReview[2]!;
    daemon.child.kill('SIGTERM');
    assert.equal(await daemon.exited, 0);
    await start();
    const detail = await client.request(TaskGet, { taskId: task.id });
    assert.equal(detail.state, 'review');
    const worktree = join(home.paths.worktrees, task.id);
    const files = detail.diff!.files.filter((f) => f.status !== 'deleted');
    const agentVersions = files.map((f) => readFileSync(join(worktree, f.path)));
    const approveAll = detail.diff!.files.map((f) => ({ path: f.path, verdict: 'approve' as const }));
    const result = await client.request(ReviewApprove, { taskId: task.id, files: approveAll, commit: true });
    assert.deepEqual(result.conflicts, []);
    assert.equal(git(repo.repo, ['log', '-1', '--format=%H%n%(trailers:key=Tandem-Task,valueonly)']).trim(), `${result.commit}\n${task.id}`);
    files.forEach((f, i) => assert.deepEqual(readFileSync(join(repo.repo, f.path)), agentVersions[i]));
    assert.equal((await client.request(TaskGet, { taskId: task.id })).state, 'applied');
    assert.equal(existsSync(worktree), false);
  });
});

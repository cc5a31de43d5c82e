// Several clients of one real daemon: task events reach exactly the subscribers, progress reaches
// only the client that asked, and cancel stops a generation midway.
import assert from 'node:assert/strict';
import { connectToDaemon, type DaemonClient } from '../../daemon/src/cli/daemon-client.js';
import type { TaskEvent } from '../../daemon/src/protocol/events.js';
import { ExportRun, Status, TaskCancel, TaskGet, TaskStart, TaskSubscribe } from '../../daemon/src/protocol/messages.js';
import type { ProgressEvent } from '../../daemon/src/protocol/types.js';
import { makeTandemHome, startDaemon, type DaemonProcess } from '../fixtures/daemon/spawn-daemon.js';
import { watch } from '../fixtures/daemon/task-watch.js';

const script = (steps: number, tokens: number, tokensPerSecond: number) => JSON.stringify({ steps, tokens, tokensPerSecond });

describe('daemon subscriptions and cancel (real daemon process, several clients)', () => {
  const home = makeTandemHome();
  let daemon: DaemonProcess;
  const clients: DaemonClient[] = [];
  const connect = async () => {
    const client = await connectToDaemon({ paths: home.paths });
    assert.ok(client, 'the daemon accepts a client');
    clients.push(client);
    return client;
  };

  before(async () => { daemon = await startDaemon(home.env); });
  after(async () => {
    for (const client of clients) client.close();
    daemon?.child.kill('SIGTERM');
    await daemon?.exited;
    home.remove();
  });

  it('sends a task\'s events to both clients watching it, and to no one else', async () => {
    const [starter, a, b] = [await connect(), await connect(), await connect()];
    const [seenByStarter, seenByA, seenByB] = [watch(starter), watch(a), watch(b)];
    // The blocker holds the one model, so the watched task cannot emit anything before both subscribe.
    const blocker = await starter.request(TaskStart, { repoPath: '/repo', prompt: script(1, 1_000_000, 20) });
    const watched = await starter.request(TaskStart, { repoPath: '/repo', prompt: script(2, 25, 0) });
    await a.request(TaskSubscribe, { taskId: watched.id });
    await b.request(TaskSubscribe, { taskId: watched.id });
    await starter.request(TaskCancel, { taskId: blocker.id });

    const finished = (e: TaskEvent) => e.type === 'task.state' && e.taskId === watched.id;
    await Promise.all([seenByA.until(finished), seenByB.until(finished)]);
    assert.deepEqual(seenByA.events, seenByB.events);
    assert.ok(seenByA.events.every((e) => e.taskId === watched.id));
    const count = (type: TaskEvent['type']) => seenByA.events.filter((e) => e.type === type).length;
    // Step 0 was announced (and queued behind the blocker) while the start request ran, before anyone
    // subscribed; everything after it reached both watchers.
    assert.deepEqual([count('step.started'), count('step.tokens'), count('step.finished')], [1, 50, 2]);
    const last = seenByA.events.at(-1);
    assert.ok(last?.type === 'task.state' && last.state === 'finished');

    const detail = await b.request(TaskGet, { taskId: watched.id });
    const streamed = seenByA.events.flatMap((e) => (e.type === 'step.tokens' ? [e.text] : [])).join('');
    assert.equal(detail.steps.map((s) => s.output).join(''), streamed, 'the streamed tokens are the recorded outputs');
    await starter.request(Status); // a round trip after the last event: anything sent to the starter has arrived
    assert.equal(seenByStarter.events.length, 0, 'a client that subscribed to nothing gets nothing');
  });

  it('cancels a task in the middle of a generation: aborted, recorded as cancelled, model free again', async () => {
    const [client] = [await connect()];
    const seen = watch(client);
    const task = await client.request(TaskStart, { repoPath: '/repo', prompt: script(3, 1_000_000, 200) });
    await client.request(TaskSubscribe, { taskId: task.id });
    await seen.until(() => seen.events.filter((e) => e.type === 'step.tokens').length >= 3);
    assert.equal((await client.request(Status)).generating, true);

    const cancelled = await client.request(TaskCancel, { taskId: task.id });
    assert.equal(cancelled.state, 'cancelled');
    const detail = await client.request(TaskGet, { taskId: task.id });
    assert.equal(detail.steps.length, 1, 'the later steps never started');
    assert.equal(detail.steps[0]!.stopReason, 'aborted');
    assert.ok(detail.steps[0]!.tokensOut >= 3 && detail.steps[0]!.tokensOut < 1_000_000);
    const status = await client.request(Status);
    assert.equal(status.generating, false);
    assert.equal(status.tasksRunning, 0);
  });

  it('sends progress only to the client that started the work', async () => {
    const [asker, bystander] = [await connect(), await connect()];
    const progressOf = (client: DaemonClient) => {
      const got: ProgressEvent[] = [];
      client.onProgress((event) => got.push(event));
      return got;
    };
    const [askerGot, bystanderGot] = [progressOf(asker), progressOf(bystander)];
    await bystander.request(TaskSubscribe, { taskId: '*' });
    const manifest = await asker.request(ExportRun, { format: 'openai-sft', role: 'all', out: '/tmp/unused' });
    assert.equal(manifest.counts.train, 5);
    assert.deepEqual(askerGot.map((e) => e.done), [1, 2, 3, 4, 5]);
    assert.equal(askerGot.at(-1)?.finished, true);
    await bystander.request(Status);
    assert.equal(bystanderGot.length, 0);
  });

  it('answers a subscription without a task id with InvalidParams', async () => {
    const client = await connect();
    await assert.rejects(client.request(TaskSubscribe, {} as { taskId: string }), (error: { code?: number; message?: string }) =>
      error.code === -32602 && /taskId/.test(error.message ?? ''));
  });
});

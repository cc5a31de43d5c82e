import assert from 'node:assert/strict';
import { GenerationCancelledError, GenerationScheduler } from '../../../daemon/src/server/generation-scheduler.js';
import { ControlledModel, requestFor, settle } from './controlled-model.js';

describe('GenerationScheduler', () => {
  it('runs one generation at a time, round-robin across clients and then across a client\'s tasks', async () => {
    const model = new ControlledModel();
    const scheduler = new GenerationScheduler(model);
    const a1 = scheduler.portFor({ clientId: 'A', taskId: 'a1' });
    const a2 = scheduler.portFor({ clientId: 'A', taskId: 'a2' });
    const b1 = scheduler.portFor({ clientId: 'B', taskId: 'b1' });
    const done = [
      a1.generate(requestFor('a1#1')), a1.generate(requestFor('a1#2')), a1.generate(requestFor('a1#3')),
      a2.generate(requestFor('a2#1')), a2.generate(requestFor('a2#2')), b1.generate(requestFor('b1#1')),
    ];
    await settle();
    for (let i = 0; i < done.length; i++) {
      assert.equal(model.started.length, i + 1, 'exactly one generation runs at a time');
      assert.equal(scheduler.generating, true);
      model.started[i]!.finish();
      await settle();
    }
    assert.deepEqual(model.started.map((s) => s.label), ['a1#1', 'a1#2', 'b1#1', 'a2#1', 'a1#3', 'a2#2']);
    assert.deepEqual((await Promise.all(done)).map((r) => r.text), ['a1#1', 'a1#2', 'a1#3', 'a2#1', 'a2#2', 'b1#1']);
    assert.equal(scheduler.generating, false);
  });

  it('drops a queued generation whose signal aborts, without ever running it', async () => {
    const model = new ControlledModel();
    const scheduler = new GenerationScheduler(model);
    const running = scheduler.generate({ clientId: 'A', taskId: 't' }, requestFor('first'));
    const controller = new AbortController();
    const queued = scheduler.generate({ clientId: 'B', taskId: 'u' }, requestFor('cancelled', controller.signal));
    const after = scheduler.generate({ clientId: 'B', taskId: 'v' }, requestFor('after'));
    await settle();
    controller.abort();
    await assert.rejects(queued, (error: unknown) => error instanceof GenerationCancelledError && error.name === 'AbortError');
    assert.equal(scheduler.queued, 1);
    model.started[0]!.finish();
    await settle();
    model.started[1]!.finish();
    await Promise.all([running, after]);
    assert.deepEqual(model.started.map((s) => s.label), ['first', 'after']);
  });

  it('aborts the running generation of a cancelled task and goes on with the next', async () => {
    const model = new ControlledModel();
    const scheduler = new GenerationScheduler(model);
    const running = scheduler.generate({ clientId: 'A', taskId: 'doomed' }, requestFor('running'));
    const queuedSameTask = scheduler.generate({ clientId: 'A', taskId: 'doomed' }, requestFor('queued'));
    const other = scheduler.generate({ clientId: 'B', taskId: 'other' }, requestFor('other'));
    await settle();
    assert.equal(scheduler.cancelTask('doomed'), 2);
    assert.equal(model.started[0]!.signal?.aborted, true, 'the model sees the abort through its signal');
    assert.equal((await running).stopReason, 'aborted');
    await assert.rejects(queuedSameTask, GenerationCancelledError);
    await settle();
    assert.deepEqual(model.started.map((s) => s.label), ['running', 'other']);
    model.started[1]!.finish();
    assert.equal((await other).stopReason, 'stop');
  });

  it('refuses a generation whose signal is already aborted', async () => {
    const scheduler = new GenerationScheduler(new ControlledModel());
    await assert.rejects(scheduler.generate({ clientId: 'A', taskId: 't' }, requestFor('x', AbortSignal.abort())), GenerationCancelledError);
  });
});

describe('GenerationScheduler with one signal over many generations', () => {
  it('leaves no abort listener behind on the task\'s signal', async () => {
    const model = new ControlledModel();
    const scheduler = new GenerationScheduler(model);
    const task = new AbortController();
    let listeners = 0;
    const add = task.signal.addEventListener.bind(task.signal);
    const remove = task.signal.removeEventListener.bind(task.signal);
    task.signal.addEventListener = ((...args: Parameters<typeof add>) => { listeners++; add(...args); }) as typeof add;
    task.signal.removeEventListener = ((...args: Parameters<typeof remove>) => { listeners--; remove(...args); }) as typeof remove;
    for (let i = 0; i < 20; i++) {
      const done = scheduler.generate({ clientId: 'A', taskId: 't' }, requestFor(`step ${i}`, task.signal));
      await settle();
      model.started[i]!.finish();
      await done;
    }
    assert.equal(listeners, 0);
  });
});

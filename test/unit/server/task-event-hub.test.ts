import assert from 'node:assert/strict';
import type { TaskEvent } from '../../../daemon/src/protocol/events.js';
import { TaskEventHub } from '../../../daemon/src/server/task-event-hub.js';

const tokens = (taskId: string, text: string): TaskEvent => ({ type: 'step.tokens', taskId, stepKey: 's1', text });

describe('TaskEventHub', () => {
  it('sends each event only to the subscribers of its task, or of every task', () => {
    const hub = new TaskEventHub();
    const got: Record<string, string[]> = { one: [], all: [], other: [], none: [] };
    for (const id of Object.keys(got)) hub.attach(id, (event) => got[id]!.push(`${event.taskId}:${(event as { text: string }).text}`));
    hub.subscribe('one', 't1');
    hub.subscribe('all', '*');
    hub.subscribe('other', 't2');
    hub.publish(tokens('t1', 'a'));
    hub.publish(tokens('t2', 'b'));
    assert.deepEqual(got, { one: ['t1:a'], all: ['t1:a', 't2:b'], other: ['t2:b'], none: [] });
  });

  it('stops sending after unsubscribe and after detach', () => {
    const hub = new TaskEventHub();
    const got: string[] = [];
    hub.attach('c', (event) => got.push(event.taskId));
    hub.subscribe('c', 't1');
    hub.publish(tokens('t1', 'x'));
    hub.unsubscribe('c', 't1');
    hub.publish(tokens('t1', 'y'));
    hub.subscribe('c', 't1');
    hub.detach('c');
    hub.publish(tokens('t1', 'z'));
    assert.deepEqual(got, ['t1']);
    assert.equal(hub.subscriberCount('t1'), 0);
  });

  it('keeps delivering to the others when one subscriber throws', () => {
    const hub = new TaskEventHub();
    const got: string[] = [];
    hub.attach('broken', () => { throw new Error('socket gone'); });
    hub.attach('fine', (event) => got.push(event.taskId));
    hub.subscribe('broken', '*');
    hub.subscribe('fine', '*');
    hub.publish(tokens('t', '1'));
    hub.publish(tokens('t', '2'));
    assert.deepEqual(got, ['t', 't']);
    assert.equal(hub.subscriberCount('t'), 1);
  });
});

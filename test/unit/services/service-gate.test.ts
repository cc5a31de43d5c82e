import assert from 'node:assert/strict';
import { ErrorCodes } from '../../../daemon/src/protocol/errors.js';
import { ServiceGate } from '../../../daemon/src/services/service-gate.js';

describe('ServiceGate', () => {
  it('lets work in and passes its result and its error through', async () => {
    const gate = new ServiceGate();
    assert.equal(await gate.run(() => 42), 42);
    await assert.rejects(gate.run(() => { throw new Error('boom'); }), /boom/);
  });

  it('on close waits for the work already in, however it ends, then refuses new work', async () => {
    const gate = new ServiceGate();
    let finish!: () => void;
    const order: string[] = [];
    const slow = gate.run(() => new Promise<void>((resolve) => { finish = resolve; }).then(() => order.push('work done')));
    const failing = gate.run(() => Promise.reject(new Error('failed'))).catch(() => order.push('failure seen'));
    const closed = gate.close().then(() => order.push('closed'));
    await assert.rejects(gate.run(() => 1), (error: { code?: number }) => error.code === ErrorCodes.InvalidState);
    assert.equal(gate.closing, true);
    await failing;
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(order, ['failure seen'], 'closing waits for the slow work');
    finish();
    await Promise.all([slow, failing, closed]);
    assert.deepEqual(order, ['failure seen', 'work done', 'closed']);
  });
});

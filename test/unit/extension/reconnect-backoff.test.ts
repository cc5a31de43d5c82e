import { strict as assert } from 'node:assert';
import { reconnectDelay, RestartBudget } from '../../../extension/src/daemon/reconnect-backoff.js';

describe('reconnect backoff', () => {
  it('doubles from the initial delay up to the ceiling', () => {
    const policy = { initialMs: 100, maxMs: 1000 };
    assert.deepEqual([0, 1, 2, 3, 4, 5, 50].map((n) => reconnectDelay(n, policy)), [100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('refuses a negative attempt', () => {
    assert.throws(() => reconnectDelay(-1), /attempt must be >= 0/);
  });

  it('allows three daemon starts in a window, then refuses until the window passes or it is reset', () => {
    const budget = new RestartBudget(3, 1000);
    assert.deepEqual([0, 10, 20, 30].map((t) => budget.tryTake(t)), [true, true, true, false]);
    assert.equal(budget.tryTake(1005), true, 'the first start left the window');
    budget.reset();
    assert.equal(budget.tryTake(1006), true);
  });
});

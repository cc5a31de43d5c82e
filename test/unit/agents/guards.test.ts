import assert from 'node:assert/strict';
import { BudgetMeter, canonicalJson, ProgressGuard, RepeatGuard } from '../../../daemon/src/agents/guards.js';

describe('agents: guards', () => {
  it('a budget stops at its step limit, then at its token limit', () => {
    const meter = new BudgetMeter('subtask', { steps: 2, tokens: 100 });
    assert.equal(meter.check(), null);
    meter.charge(40);
    assert.equal(meter.remainingTokens(), 60);
    meter.charge(10);
    assert.equal(meter.check()?.reason, 'step_budget');
    const tokens = new BudgetMeter('task', { steps: 10, tokens: 100 });
    tokens.charge(120);
    assert.deepEqual([tokens.check()?.reason, tokens.check()?.scope, tokens.remainingTokens()], ['token_budget', 'task', 0]);
  });

  it('the same call N times within the last 2N is a doom loop, whatever the key order', () => {
    const guard = new RepeatGuard(3, 'subtask');
    assert.equal(guard.see('read_file', { path: 'a', end_line: 2 }), null);
    assert.equal(guard.see('list_files', { path: '' }), null);
    assert.equal(guard.see('read_file', { end_line: 2, path: 'a' }), null);
    const stop = guard.see('read_file', { path: 'a', end_line: 2 });
    assert.equal(stop?.reason, 'doom_loop');
    assert.match(stop!.detail, /3 times/);
  });

  it('calls spread wider than the window are not a loop; reset forgets', () => {
    const guard = new RepeatGuard(2, 'subtask');
    assert.equal(guard.see('run', { command: 'npm test' }), null);
    for (const path of ['a', 'b', 'c', 'd']) assert.equal(guard.see('read_file', { path }), null);
    assert.equal(guard.see('run', { command: 'npm test' }), null);
    guard.reset();
    assert.equal(guard.see('run', { command: 'npm test' }), null);
  });

  it('no progress counts steps since the patch-id last changed', () => {
    const guard = new ProgressGuard(3, 'p0');
    assert.equal(guard.step(null), null);
    assert.equal(guard.step('p0'), null); // a write that changed nothing
    assert.equal(guard.step('p1'), null); // progress resets the count
    assert.equal(guard.step(null), null);
    assert.equal(guard.step(null), null);
    assert.equal(guard.step('p1')?.reason, 'no_progress');
  });

  it('canonical JSON sorts keys at every depth and skips undefined', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } }), '{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
  });
});

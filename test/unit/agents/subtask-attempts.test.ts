// Which attempt is kept: a finished one over a stopped one, then the critic's score, a pass at equal score, then the earliest.
import assert from 'node:assert/strict';
import { best } from '../../../daemon/src/agents/subtask-attempts.js';
import type { WorkerOutcome } from '../../../daemon/src/agents/worker-loop.js';

const done: WorkerOutcome = { kind: 'done', summary: 's' };
const stopped: WorkerOutcome = { kind: 'stopped', stop: { reason: 'doom_loop', scope: 'subtask', detail: 'd' } };
const judged = (score: 1 | 2 | 3 | 4 | 5, passes: boolean) => ({
  verdict: { score, does_what_was_asked: passes, tests_pass: 'not_run' as const, no_unrelated_changes: true, rationale: '' }, passes, stepId: 1,
});

describe('attempts: the kept one', () => {
  it('prefers finished, then a higher score, then a pass, then the earliest', () => {
    const a = { name: 'a', outcome: stopped, critique: judged(5, true) };
    const b = { name: 'b', outcome: done, critique: judged(3, false) };
    const c = { name: 'c', outcome: done, critique: judged(4, false) };
    const d = { name: 'd', outcome: done, critique: judged(4, true) };
    const e = { name: 'e', outcome: done, critique: judged(4, true) };
    assert.equal(best([a, b]).name, 'b');
    assert.equal(best([b, c]).name, 'c');
    assert.equal(best([c, d]).name, 'd');
    assert.equal(best([d, e]).name, 'd');
    assert.equal(best([{ name: 'x', outcome: done, critique: null }, { name: 'y', outcome: done, critique: null }]).name, 'x');
  });
});

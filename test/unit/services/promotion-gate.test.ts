// The promotion gate's decision on two evaluations: not worse on the same held-out examples, or no decision.
import assert from 'node:assert/strict';
import type { AdapterEvaluation } from '../../../daemon/src/protocol/adapter-evaluation.js';
import { decide } from '../../../daemon/src/services/promotion-gate.js';

const evaluation = (over: Partial<AdapterEvaluation>): AdapterEvaluation => ({
  role: 'worker', version: 2, sha256: 'x', heldOut: 'h1', nllPerToken: 1, nllExamples: 10, nllTokens: 100,
  preferenceAccuracy: 0.5, preferencePairs: 4, evaluatedAt: '2026-01-01T00:00:00Z', ...over,
});
const active = evaluation({ version: 1 });

describe('promotion gate', () => {
  it('allows a candidate no worse on NLL and preferences', () => {
    assert.equal(decide(evaluation({ nllPerToken: 0.9 }), active, 5).allowed, true);
    assert.equal(decide(evaluation({}), active, 5).allowed, true, 'equal is not worse');
  });
  it('refuses a higher NLL, naming both figures', () => {
    const decision = decide(evaluation({ nllPerToken: 1.2 }), active, 5);
    assert.equal(decision.allowed, false);
    assert.match(decision.reason, /v2 is worse than v1 .*1\.2000 vs 1\.0000/);
  });
  it('refuses a lower preference accuracy even with a better NLL', () => {
    assert.equal(decide(evaluation({ nllPerToken: 0.5, preferenceAccuracy: 0.25 }), active, 5).allowed, false);
  });
  it('makes no decision on too few examples, and asks for --force', () => {
    const decision = decide(evaluation({ nllExamples: 4, nllPerToken: 0.1 }), active, 5);
    assert.deepEqual([decision.allowed, decision.tooFewExamples], [false, true]);
    assert.match(decision.reason, /only 4 .*at least 5 .*--force/);
  });
  it('compares only evaluations of the same held-out examples', () => {
    assert.match(decide(evaluation({ heldOut: 'h2', nllPerToken: 0.1 }), active, 5).reason, /different held-out examples/);
  });
});

// Which split an evaluation or promotion scores on: the one given, else the one the version was last
// evaluated with (train --run's), else the default; a given split that differs from it is said plainly.
import assert from 'node:assert/strict';
import type { AdapterEvaluation } from '../../../daemon/src/protocol/adapter-evaluation.js';
import { evaluationSplit } from '../../../daemon/src/services/evaluation-split.js';
import { DEFAULT_TRAIN_FRACTION } from '../../../daemon/src/store/export/held-out-examples.js';

const evaluated = (split?: number): AdapterEvaluation => ({
  role: 'worker', version: 3, sha256: 'x', heldOut: 'h', nllPerToken: 1, nllExamples: 10, nllTokens: 100,
  preferenceAccuracy: null, preferencePairs: 0, evaluatedAt: '2026-01-01T00:00:00Z', ...(split === undefined ? {} : { split }),
});

describe('evaluation split', () => {
  it('reuses the split the version was evaluated with when none is given', () => {
    assert.deepEqual(evaluationSplit(undefined, evaluated(0.75), 'worker v3'), { split: 0.75, note: null });
  });
  it('falls back to the default without a recorded split (never evaluated, or stored before splits were)', () => {
    assert.deepEqual(evaluationSplit(undefined, undefined, 'worker v3'), { split: DEFAULT_TRAIN_FRACTION, note: null });
    assert.deepEqual(evaluationSplit(undefined, evaluated(), 'worker v3'), { split: DEFAULT_TRAIN_FRACTION, note: null });
  });
  it('takes a given split, and says so when it differs from the recorded one', () => {
    assert.deepEqual(evaluationSplit(0.75, evaluated(0.75), 'worker v3'), { split: 0.75, note: null });
    assert.deepEqual(evaluationSplit(0.6, undefined, 'worker v3'), { split: 0.6, note: null });
    const { split, note } = evaluationSplit(0.9, evaluated(0.75), 'worker v3');
    assert.equal(split, 0.9);
    assert.match(note!, /worker v3 was last evaluated with --split 0\.75 .*this used --split 0\.9.*Drop --split to reuse 0\.75/);
  });
});

// The Patterns view's rows: one per pattern, bars aligned on every adapter version any pattern has.
import { strict as assert } from 'node:assert';
import type { FailurePattern, FailurePatternsResult } from '../../../daemon/src/protocol/failure-patterns.js';
import { patternRows, patternsSummary } from '../../../webview-ui/src/patterns-model.js';

const pattern = (id: number, trend: FailurePattern['trend'], label = `pattern ${id}`): FailurePattern => ({
  id, label, count: trend.reduce((n, t) => n + t.count, 0), byKind: { rejection: 2, tool_error: 1 }, trend, typical: [label], exampleTaskIds: [`task-${id}`],
});

describe('panel patterns view model', () => {
  const result: FailurePatternsResult = {
    role: 'all', failures: 9, silhouette: 0.6,
    patterns: [
      pattern(1, [{ role: 'worker', version: 1, count: 4 }, { role: 'worker', version: 2, count: 2 }], 'tests fail'),
      pattern(2, [{ role: 'worker', version: null, count: 1 }, { role: 'orchestrator', version: 3, count: 2 }], 'wrong file'),
    ],
  };

  it('gives every row the same version columns, oldest first, and bars scaled to the row', () => {
    const rows = patternRows(result);
    const columns = ['orchestrator v3', 'worker base', 'worker v1', 'worker v2'];
    for (const row of rows) assert.deepEqual(row.bars.map((b) => b.version), columns);
    assert.deepEqual(rows[0]!.bars.map((b) => [b.count, b.height]), [[0, 0], [0, 0], [4, 100], [2, 50]]);
    assert.deepEqual(rows[1]!.bars.map((b) => b.count), [2, 1, 0, 0]);
    assert.equal(rows[0]!.kinds, 'rejection 2, tool error 1');
    assert.deepEqual(rows.map((r) => [r.id, r.label, r.count, r.exampleTaskIds]), [[1, 'tests fail', 6, ['task-1']], [2, 'wrong file', 3, ['task-2']]]);
  });

  it('says what was found, or that nothing was', () => {
    assert.equal(patternsSummary(result), '9 failures in 2 pattern(s)');
    assert.equal(patternsSummary({ role: 'critic', failures: 0, silhouette: 0, patterns: [] }), 'No recorded failures of the critic.');
    assert.deepEqual(patternRows({ role: 'all', failures: 0, silhouette: 0, patterns: [] }), []);
  });
});

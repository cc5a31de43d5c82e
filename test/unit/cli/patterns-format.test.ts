// `tandem patterns` as text: one block per pattern with its count, kinds, trend per version and examples.
import { strict as assert } from 'node:assert';
import { formatPatterns } from '../../../daemon/src/cli/patterns-command.js';

describe('tandem patterns output', () => {
  it('lists each pattern with its count, kinds, trend per adapter version and example tasks', () => {
    const text = formatPatterns({
      role: 'worker', failures: 5, silhouette: 0.7,
      patterns: [{
        id: 1, label: 'tests fail: expected 6 (+1 similar)', count: 5, byKind: { rejection: 3, critic_fail: 2 },
        trend: [{ role: 'worker', version: null, count: 1 }, { role: 'worker', version: 2, count: 4 }], typical: [], exampleTaskIds: ['t-1', 't-2'],
      }],
    });
    assert.equal(text, [
      '5 failures in 1 pattern(s) (worker):',
      '  1. tests fail: expected 6 (+1 similar)',
      '     5 × (rejection 3, critic fail 2)  by version: worker base: 1, worker v2: 4',
      '     e.g. t-1, t-2',
    ].join('\n'));
  });

  it('says so when nothing failed', () => {
    assert.equal(formatPatterns({ role: 'all', since: '2026-01-01', failures: 0, silhouette: 0, patterns: [] }), 'No recorded failures since 2026-01-01.');
  });
});

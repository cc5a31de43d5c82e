// The Clusters view's rows: one per kind of work, with the adapter each role runs there (an expert
// version, or the role's general adapter as the fallback).
import assert from 'node:assert/strict';
import { clusterRows } from '../../../extension/src/clusters/cluster-items.js';

describe('extension: Clusters view rows', () => {
  it('shows each cluster with its task count and, per role, the expert or the general adapter', () => {
    const rows = clusterRows({
      version: 3, baseModelSha: 'abc', createdAt: '2026-11-30T03:00:00.000Z',
      clusters: [
        { cluster: 0, label: 'Add a test for the parser (+2 similar)', tasks: 5, adapters: { orchestrator: null, worker: 4, critic: null } },
        { cluster: 1, label: 'Fix the typo', tasks: 1, adapters: { orchestrator: null, worker: null, critic: null } },
      ],
    });
    assert.deepEqual(rows.map((r) => [r.label, r.description]), [
      ['0: Add a test for the parser (+2 similar)', '5 task(s) · 1 expert(s)'],
      ['1: Fix the typo', '1 task(s) · general adapters'],
    ]);
    assert.deepEqual(rows[0]!.adapters, ['orchestrator: general adapter', 'worker: v4 (expert)', 'critic: general adapter']);
    assert.match(rows[0]!.tooltip, /clustering v3/);
  });

  it('has no rows before a clustering exists', () => {
    assert.deepEqual(clusterRows(null), []);
  });
});

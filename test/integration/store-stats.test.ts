// Stats over a small dataset whose figures are worked out by hand below.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { FileReview } from '../../daemon/src/protocol/types.js';
import { ReviewRecorder } from '../../daemon/src/store/review-recorder.js';
import { recordSignal } from '../../daemon/src/store/signal-records.js';
import { computeStats } from '../../daemon/src/store/stats.js';
import { StoreTrajectoryRecorder } from '../../daemon/src/store/trajectory-recorder.js';
import { sampleDiff, tempStore, workerStep, type TempStore } from './store/sample-trajectory.js';

describe('store: stats', () => {
  let t: TempStore;
  before(() => {
    t = tempStore();
    const recorder = new StoreTrajectoryRecorder(t.store);
    const reviews = new ReviewRecorder(t.store);
    const done = '{"tool":"done","args":{"summary":"ok"}}';
    const round = (taskId: string, n: number, workerVersion: number, verdicts: FileReview[], applied: boolean) => {
      if (n === 0) recorder.startTask({ taskId, prompt: 'p', repoPath: t.dir, baseCommit: 'c', branch: 'b', promptVersion: 'p1', baseModelSha: 'base' });
      recorder.startRound(taskId, n, n === 0 ? null : 'again');
      recorder.recordStep({ ...workerStep(taskId, null, [{ role: 'user', content: 'go' }], done, null), role: 'orchestrator', round: n, adapter: { role: 'orchestrator', version: null, sha256: null } });
      const step = recorder.recordStep({ ...workerStep(taskId, null, [{ role: 'user', content: 'go' }], done, workerVersion), round: n });
      const diffId = recorder.recordDiff(sampleDiff(taskId, n), { subtaskId: null, stepId: step });
      for (const v of verdicts) reviews.recordReview(taskId, diffId, v);
      return applied ? reviews.recordApplied({ taskId, diffId, patchId: `p-${taskId}`, unifiedDiff: 'd', commitSha: null }) : null;
    };
    // Task 1, worker v1: rejected, then approved, applied and merged.
    round('t1', 0, 1, [{ path: 'a', verdict: 'reject', reason: 'breaks tests' }], false);
    const merged = round('t1', 1, 1, [{ path: 'a', verdict: 'approve' }, { path: 'b', verdict: 'approve' }], true)!;
    recordSignal(t.store, { taskId: 't1', appliedId: merged, kind: 'merged', source: 'patch-id', commitSha: 'm1' });
    // Task 2, worker v2: approved with edits and applied, not merged.
    round('t2', 0, 2, [{ path: 'a', verdict: 'approve_with_edits', editedContent: 'x' }], true);
    // Task 3, worker v2: two files rejected for the same reason (one diff), one for another.
    round('t3', 0, 2, [{ path: 'a', verdict: 'reject', reason: 'breaks tests' }, { path: 'b', verdict: 'reject', reason: 'breaks tests' },
      { path: 'c', verdict: 'reject', reason: 'wrong file' }], false);
    // Task 4: started, nothing else.
    recorder.startTask({ taskId: 't4', prompt: 'p', repoPath: t.dir, baseCommit: 'c', branch: 'b', promptVersion: 'p1', baseModelSha: 'base' });
  });
  after(() => t.dispose());

  it('computes the figures overall and per adapter version', () => {
    const stats = computeStats(t.store);
    assert.deepEqual(stats.overall, {
      tasks: 4, steps: { orchestrator: 4, worker: 4, critic: 0 }, reviewed: 4, approvalRate: 0.5, mergedRate: 0.5,
      topRejectionReasons: [{ reason: 'breaks tests', count: 2 }, { reason: 'wrong file', count: 1 }],
    });
    assert.deepEqual(stats.byAdapter, [
      { role: 'orchestrator', version: null, tasks: 3, steps: { orchestrator: 4, worker: 0, critic: 0 }, reviewed: 4, approvalRate: 0.5, mergedRate: 0.5,
        topRejectionReasons: [{ reason: 'breaks tests', count: 2 }, { reason: 'wrong file', count: 1 }] },
      { role: 'worker', version: 1, tasks: 1, steps: { orchestrator: 0, worker: 2, critic: 0 }, reviewed: 2, approvalRate: 0.5, mergedRate: 1,
        topRejectionReasons: [{ reason: 'breaks tests', count: 1 }] },
      { role: 'worker', version: 2, tasks: 2, steps: { orchestrator: 0, worker: 2, critic: 0 }, reviewed: 2, approvalRate: 0.5, mergedRate: 0,
        topRejectionReasons: [{ reason: 'breaks tests', count: 1 }, { reason: 'wrong file', count: 1 }] },
    ]);
  });

  it('`tandem stats --json` prints the same report', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'daemon/src/main.ts', 'stats', '--json'], {
      encoding: 'utf8', env: { ...process.env, TANDEM_HOME: t.dir },
    });
    assert.deepEqual(JSON.parse(out), computeStats(t.store));
  });

  it('has no rates where nothing was reviewed or applied', () => {
    const empty = tempStore();
    try {
      assert.deepEqual(computeStats(empty.store), {
        overall: { tasks: 0, steps: { orchestrator: 0, worker: 0, critic: 0 }, reviewed: 0, approvalRate: null, mergedRate: null, topRejectionReasons: [] },
        byAdapter: [],
        critic: [],
      });
    } finally {
      empty.dispose();
    }
  });
});

// The critic's precision and recall against the human's verdicts, over a store whose figures are worked out by hand.
import assert from 'node:assert/strict';
import type { CriticVerdict, FileReview } from '../../daemon/src/protocol/types.js';
import { ReviewRecorder } from '../../daemon/src/store/review-recorder.js';
import { computeStats } from '../../daemon/src/store/stats.js';
import { StoreTrajectoryRecorder } from '../../daemon/src/store/trajectory-recorder.js';
import { sampleDiff, tempStore, workerStep, type TempStore } from './store/sample-trajectory.js';

const verdict = (score: CriticVerdict['score'], over: Partial<CriticVerdict> = {}): CriticVerdict => ({
  score, does_what_was_asked: true, tests_pass: 'not_run', no_unrelated_changes: true, rationale: 'r', ...over,
});

describe('store: critic agreement with the human', () => {
  let t: TempStore;
  before(() => {
    t = tempStore();
    const recorder = new StoreTrajectoryRecorder(t.store);
    const reviews = new ReviewRecorder(t.store);
    /** One task, one round, one subtask; the critic's verdicts in order (the last counts), then the human's. */
    const task = (taskId: string, verdicts: CriticVerdict[], human: FileReview['verdict'] | null, criticVersion: number | null = null) => {
      recorder.startTask({ taskId, prompt: 'p', repoPath: t.dir, baseCommit: 'c', branch: 'b', promptVersion: 'p1', baseModelSha: 'base' });
      recorder.startRound(taskId, 0, null);
      const subtaskId = `${taskId}-s1`;
      recorder.startSubtask({ id: subtaskId, taskId, round: 0, instruction: 'do', files: [], outcome: null, stopReason: null, seq: 1 });
      recorder.recordStep(workerStep(taskId, subtaskId, [{ role: 'user', content: 'go' }], '{"tool":"done","args":{"summary":"ok"}}'));
      for (const v of verdicts) {
        const output = JSON.stringify({ tool: 'verdict', args: v });
        recorder.recordStep({
          ...workerStep(taskId, subtaskId, [{ role: 'user', content: 'judge' }], output), role: 'critic',
          adapter: { role: 'critic', version: criticVersion, sha256: criticVersion === null ? null : `c${criticVersion}` },
        });
      }
      const diffId = recorder.recordDiff(sampleDiff(taskId, 0), { subtaskId: null, stepId: null });
      if (human) reviews.recordReview(taskId, diffId, { path: 'src/app.ts', verdict: human, ...(human === 'reject' && { reason: 'no' }), ...(human === 'approve_with_edits' && { editedContent: 'new\n' }) });
    };
    task('pass-approved', [verdict(2), verdict(5)], 'approve'); // the last verdict counts: passed, approved
    task('pass-edited', [verdict(4)], 'approve_with_edits'); // passed, approved
    task('pass-rejected', [verdict(5)], 'reject'); // passed, rejected
    task('fail-approved', [verdict(5, { tests_pass: 'fail' })], 'approve'); // a failed criterion fails a 5
    task('fail-rejected', [verdict(3)], 'reject'); // failed, rejected
    task('not-reviewed', [verdict(5)], null); // no human verdict yet: not counted
    task('v2-pass', [verdict(4)], 'reject', 2); // another critic adapter version is its own row
  });
  after(() => t.dispose());

  it('counts the last verdict per subtask of reviewed rounds, per critic adapter version', () => {
    const [base, v2, ...rest] = computeStats(t.store).critic;
    assert.equal(rest.length, 0);
    assert.deepEqual(base, {
      version: null, judged: 5, truePositives: 2, falsePositives: 1, falseNegatives: 1, trueNegatives: 1,
      precision: 2 / 3, recall: 2 / 3,
    });
    assert.deepEqual(v2, { version: 2, judged: 1, truePositives: 0, falsePositives: 1, falseNegatives: 0, trueNegatives: 0, precision: 0, recall: null });
  });

  it('is empty when the critic never ran', () => {
    const other = tempStore();
    try {
      assert.deepEqual(computeStats(other.store).critic, []);
    } finally {
      other.dispose();
    }
  });
});

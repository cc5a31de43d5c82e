import assert from 'node:assert/strict';
import { describeLoopFigures, type LoopFigures } from '../../../daemon/src/cli/demo-loop-report.js';

const figures: LoopFigures = {
  heldout_nll_before: 11.04, heldout_nll_after: 0.1884, pref_acc_before: 0, pref_acc_after: 1,
  tasks_following_before: 0, tasks_following_after: 2 / 3, train_s: 212.5, import_s: 0.19, swap_ms: 8762,
};

describe('the loop demo before/after table', () => {
  it('puts each figure under base and trained, in aligned columns', () => {
    const lines = describeLoopFigures(figures);
    const row = (name: string) => lines.find((line) => line.includes(name))!.trim().split(/\s{2,}/);
    assert.deepEqual(row('held-out NLL'), ['held-out NLL per token of approved actions', '11.040', '0.188']);
    assert.deepEqual(row('preference accuracy'), ['preference accuracy (approved over rejected)', '0.00', '1.00']);
    assert.deepEqual(row('new tasks following'), ['new tasks following the approved behaviour', '0%', '67%']);
    assert.equal(new Set(lines.slice(0, 4).map((line) => line.length)).size, 1, 'the header and rows are the same width');
    assert.match(lines.at(-1)!, /training 212\.5s, import 0\.19s, promotion with hot-swap 8762 ms/);
  });

  it('shows a dash for a figure the evaluation could not compute', () => {
    const lines = describeLoopFigures({ ...figures, pref_acc_before: null, heldout_nll_after: null });
    assert.match(lines.find((line) => line.includes('preference'))!, /\s-\s+1\.00$/);
    assert.match(lines.find((line) => line.includes('NLL'))!, /11\.040\s+-$/);
  });
});

// How a task round is reported: the diff of this round only, steps per role with adapter versions,
// next steps by state, and model-written text kept away from the terminal's control characters.
import assert from 'node:assert/strict';
import { conflictLines, describeAction, diffLines, formatRoundReport, nextSteps, printable, roundReport } from '../../../daemon/src/cli/task-report.js';
import type { StepRecord, TaskDetail, TaskDiff } from '../../../daemon/src/protocol/types.js';

const step = (round: number, role: StepRecord['role'], version: number | null, action: StepRecord['action']): StepRecord => ({
  id: 0, taskId: 't1', subtaskId: null, round, role, adapter: { role, version, sha256: null }, promptVersion: 'p', action,
  output: '', tokensIn: 1, tokensOut: 1, tokensReused: 0, latencyMs: 1, stopReason: 'stop', toolCalls: [], createdAt: '',
});

const diff = (round: number): TaskDiff => ({
  taskId: 't1', round, baseCommit: 'abc', unified: '', patchId: 'p',
  files: [
    { path: 'src/cart.js', status: 'modified', additions: 2, deletions: 1, binary: false, hunks: [] },
    { path: 'notes.md', status: 'added', additions: 3, deletions: 0, binary: false, hunks: [] },
  ],
});

const task = (over: Partial<TaskDetail>): TaskDetail => ({
  id: 't1', prompt: 'fix', repoPath: '/repo', state: 'review', round: 2, stopReason: 'finished', branch: null, worktreePath: '/wt/t1',
  createdAt: '', updatedAt: '', subtasks: [],
  steps: [
    step(1, 'orchestrator', 1, { tool: 'give_up', args: { reason: 'x' } }),
    step(2, 'orchestrator', 1, { tool: 'delegate', args: { instruction: 'multiply', files: ['src/cart.js'] } }),
    step(2, 'worker', 2, { tool: 'edit_file', args: { path: 'src/cart.js', search: 'a', replace: 'b' } }),
    step(2, 'worker', 3, null),
  ],
  diff: diff(2),
  ...over,
});

describe('task report', () => {
  it("counts this round's steps per role with the adapter versions they ran on, and sums the diff", () => {
    const report = roundReport(task({}));
    assert.deepEqual(report.steps, { orchestrator: { count: 1, adapterVersions: [1] }, worker: { count: 2, adapterVersions: [2, 3] }, critic: { count: 0, adapterVersions: [] } });
    assert.deepEqual([report.diff?.files.length, report.diff?.additions, report.diff?.deletions], [2, 5, 1]);
    const text = formatRoundReport(report);
    assert.match(text, /Task t1 is ready for review \(round 2, stopped: finished\)/);
    assert.match(text, /worker v2\/v3 × 2 step\(s\)/);
    assert.match(text, /M src\/cart\.js\s+\+2 -1/);
    assert.match(text, /tandem review t1 --approve/);
  });

  it("reports no diff when the latest one belongs to an earlier round", () => {
    const report = roundReport(task({ state: 'failed', stopReason: 'gave_up', diff: diff(1) }));
    assert.equal(report.diff, null);
    assert.match(formatRoundReport(report), /no changes to review/);
    assert.deepEqual(nextSteps('t1', 'failed'), ['tandem task t1        see what each step did']);
  });

  it('escapes control characters in model-written paths and text', () => {
    assert.equal(printable('src/a.js'), 'src/a.js');
    assert.equal(printable('a\u001b[2Jb'), '"a\\u001b[2Jb"');
    assert.doesNotMatch(diffLines([{ path: 'x\u001b]0;owned\u0007', status: 'added', additions: 1, deletions: 0 }])[0]!, /\u001b/);
    assert.doesNotMatch(describeAction({ tool: 'write_file', args: { path: 'p\u001bq', content: '' } }, 'stop'), /\u001b/);
    assert.equal(describeAction(null, 'max_tokens'), '(no valid action: max_tokens)');
  });

  it('shows conflict paths and messages with control characters escaped, never raw', () => {
    const path = 'src/\u001b[2Jevil\u0007.ts';
    const lines = conflictLines([{ path, message: `${path} changed in your tree too` }, { path: 'ok.ts', message: 'both changed' }]);
    assert.ok(lines.every((line) => !/[\u0000-\u001f]/.test(line)), JSON.stringify(lines));
    assert.equal(lines[0], `CONFLICT ${JSON.stringify(path)}: ${JSON.stringify(`${path} changed in your tree too`)}`);
    assert.equal(lines[1], 'CONFLICT ok.ts: both changed');
  });
});

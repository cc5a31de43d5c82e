// Worker steps are labelled by what the human decided about the round's diff. Tasks run through the
// real agent loop (a scripted model), the real store and git worktrees: the orchestrator delegates,
// the worker writes files, the orchestrator accepts (once after sending a subtask back), and the
// human approves all, rejects with a reason, or edits a file and approves, through the same calls the
// daemon's review service makes; the approved one is committed and found merged by the signal scan.
// The export (SFT, DPO, KTO), `tandem eval`'s held-out examples and
// `tandem train`'s step records must all see the worker's steps with those labels.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExportFormat, FileReview } from '../../daemon/src/protocol/types.js';
import { exportDataset } from '../../daemon/src/store/export/export-dataset.js';
import { heldOutExamples } from '../../daemon/src/store/export/held-out-examples.js';
import { ReviewRecorder } from '../../daemon/src/store/review-recorder.js';
import { scanSignals } from '../../daemon/src/store/signals-scan.js';
import { readStepRecords } from '../../daemon/src/training/step-records.js';
import { applyApproved } from '../../daemon/src/workspace/apply-approved.js';
import { TaskWorktree } from '../../daemon/src/workspace/task-worktree.js';
import { runScenario, type ScenarioRun } from '../agents/scenario-kit.js';
import { act, type RoleScripts } from '../agents/scripted-model.js';
import { makeSite, taskOnSite, type HarnessSite } from './support/git-store-harness.js';

type Json = Record<string, any>;

const NOTES = 'Greeting checked.\n';
const USER_NOTES = 'Greeting checked by a human.\n';
const REASON = 'Only NOTES.md was asked for, not a TODO file.';

/** Two subtasks; the first is sent back once. Worker steps: write, done | write, done | edit, done. */
const approvedScripts: RoleScripts = {
  orchestrator: [
    act('delegate', { instruction: 'Add NOTES.md saying the greeting was checked.', files: ['NOTES.md'] }),
    act('revise', { feedback: 'End the note with a full stop.' }),
    act('accept'),
    act('delegate', { instruction: 'Say hello instead of hi.', files: ['src/greet.ts'] }),
    act('accept'),
    act('finish', { summary: 'Notes added, greeting changed.' }),
  ],
  worker: [
    act('write_file', { path: 'NOTES.md', content: 'Greeting checked\n' }), act('done', { summary: 'wrote NOTES.md' }),
    act('write_file', { path: 'NOTES.md', content: NOTES }), act('done', { summary: 'added the full stop' }),
    act('edit_file', { path: 'src/greet.ts', search: 'hi ${name}', replace: 'hello ${name}' }), act('done', { summary: 'hello' }),
  ],
};
const oneFile = (path: string, content: string): RoleScripts => ({
  orchestrator: [act('delegate', { instruction: `Write ${path}.`, files: [path] }), act('accept'), act('finish', { summary: `Wrote ${path}.` })],
  worker: [act('write_file', { path, content }), act('done', { summary: `wrote ${path}` })],
});

describe('tandem export: worker steps carry the human\'s verdict on the round\'s diff', function () {
  let site: HarnessSite;
  let out: string;
  const workerSteps = new Map<string, number[]>(); // task -> its worker step ids, in order

  /** Runs a task to review, then approves (optionally after the user edits files in the worktree) or rejects it. */
  async function reviewed(taskId: string, scripts: RoleScripts, decide: (worktree: TaskWorktree) => FileReview[], commit = false): Promise<ScenarioRun> {
    let worktree: TaskWorktree | null = null;
    const run = await runScenario({
      taskId, scripts,
      factory: async (id) => {
        const harness = await taskOnSite(site, id);
        if (harness.workspace instanceof TaskWorktree) worktree = harness.workspace;
        return harness;
      },
    });
    assert.equal(run.result.state, 'review', `${taskId}: ${run.result.detail}`);
    const task = worktree as TaskWorktree | null;
    assert.ok(task);
    const reviews = decide(task);
    const recorder = new ReviewRecorder(site.store);
    const diffPaths = run.result.diff!.files.map((f) => f.path);
    if (reviews.every((r) => r.verdict === 'reject')) {
      recorder.recordOutcome({ taskId, diffId: run.result.diffId!, reviews: reviews.map((review) => ({ review })), diffPaths });
    } else {
      const outcome = await applyApproved(task, reviews, { agentCommit: run.result.diff!.agentCommit!, commit });
      assert.deepEqual(outcome.result.conflicts, [], taskId);
      recorder.recordOutcome({
        taskId, diffId: run.result.diffId!, reviews: outcome.reviews, diffPaths,
        applied: { patchId: outcome.applied.patchId, unifiedDiff: outcome.applied.unified, commitSha: outcome.result.commit },
      });
    }
    workerSteps.set(taskId, site.store.db.prepare("SELECT id FROM steps WHERE task_id = ? AND role = 'worker' ORDER BY id").pluck().all(taskId) as number[]);
    return run;
  }

  const exportRecords = async (format: ExportFormat, minSignal: 'approved' | 'merged' = 'approved'): Promise<Json[]> => {
    const file = join(out, `${format}-${minSignal}.jsonl`);
    await exportDataset(site.store.path, { format, role: 'worker', out: file, minSignal });
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Json);
  };
  const ofTask = (records: Json[], taskId: string) => records.filter((r) => r.metadata.task_id === taskId);
  const calls = (messages: Json[]) => messages.flatMap((m) => (m.tool_calls ?? []).map((c: Json) => [c.function.name, c.function.arguments]));

  before(async () => {
    site = makeSite({ 'README.md': '# Sample\n', 'src/greet.ts': 'export function greet(name: string): string {\n  return `hi ${name}`;\n}\n' });
    out = mkdtempSync(join(tmpdir(), 'tandem-export-worker-'));
    const approveAll = (files: string[]) => () => files.map((path) => ({ path, verdict: 'approve' as const }));
    await reviewed('approved', approvedScripts, approveAll(['NOTES.md', 'src/greet.ts']), true); // committed on main: merged
    await reviewed('rejected', oneFile('TODO.md', 'later\n'), () => [{ path: 'TODO.md', verdict: 'reject', reason: REASON }]);
    await reviewed('edited', oneFile('CHANGES.md', NOTES), (task) => {
      writeFileSync(join(task.root, 'CHANGES.md'), USER_NOTES); // the user's edit before approving, as in the diff editor
      return [{ path: 'CHANGES.md', verdict: 'approve' }];
    });
    // The store has what the bug hid behind: subtask diffs nobody reviewed, and the round's diff that was.
    const verdicts = site.store.db.prepare('SELECT r.task_id, d.subtask_id, r.verdict FROM reviews r JOIN diffs d ON d.id = r.diff_id ORDER BY r.id').raw().all();
    assert.deepEqual(verdicts, [['approved', null, 'approve'], ['approved', null, 'approve'], ['rejected', null, 'reject'], ['edited', null, 'approve_with_edits']]);
    assert.deepEqual(await scanSignals(site.store, { repoPath: site.repo }), { merged: 1, reverted: 0, skipped: [] });
  });
  after(() => {
    site?.remove();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('trains worker SFT on every step of an approved (then merged) task\'s accepted work, and not on the version sent back', async () => {
    const records = ofTask(await exportRecords('trl-sft'), 'approved');
    const [, , ...accepted] = workerSteps.get('approved')!; // the first two steps are the version the orchestrator revised
    assert.deepEqual(records.map((r) => [r.metadata.subtask_id, r.metadata.label]), [['approved-r1-s1', 'merged'], ['approved-r1-s2', 'merged']]);
    assert.ok(records.every((r) => r.metadata.signal?.kind === 'merged' && r.metadata.repo.applied_commit), 'the merge reached the worker\'s units');
    assert.deepEqual(records.flatMap((r) => r.metadata.step_ids), accepted);
    assert.deepEqual(records[0].metadata.review.files.map((f: Json) => f.path), ['NOTES.md'], 'each unit is judged by its own files');
    assert.deepEqual(calls(records[1].messages).map(([name]: string[]) => name), ['edit_file', 'done']);
    assert.deepEqual(ofTask(await exportRecords('trl-sft'), 'rejected'), [], 'rejected work is not trained on');
    const merged = await exportRecords('trl-sft', 'merged');
    assert.deepEqual([...new Set(merged.map((r) => r.metadata.task_id))], ['approved'], '--min-signal merged keeps the merged work only');
  });

  it('gives KTO the rejected task\'s worker steps as rejected, with the human\'s reason', async () => {
    const records = await exportRecords('trl-kto');
    const [rejected, ...more] = ofTask(records, 'rejected');
    assert.equal(more.length, 0);
    assert.equal(rejected!.label, false);
    assert.equal(rejected!.metadata.label, 'rejected');
    assert.deepEqual(rejected!.metadata.review.files, [{ path: 'TODO.md', verdict: 'reject', reason: REASON }]);
    assert.deepEqual(rejected!.metadata.step_ids, workerSteps.get('rejected'));
    assert.ok(ofTask(records, 'approved').every((r) => r.label === true) && ofTask(records, 'approved').length === 2);
  });

  it('pairs the user\'s edited file against the worker\'s own in DPO', async () => {
    const [pair, ...more] = ofTask(await exportRecords('trl-dpo'), 'edited');
    assert.equal(more.length, 0);
    assert.equal(pair!.metadata.pair.kind, 'user_edit');
    assert.equal(calls(pair!.chosen)[0][1].content, USER_NOTES);
    assert.equal(calls(pair!.rejected)[0][1].content, NOTES);
  });

  it('gives `tandem eval` and `tandem train` the same labels', () => {
    const heldOut = heldOutExamples(site.store.path, { role: 'worker', trainFraction: 0, side: 'validation' });
    const scored = (taskId: string) => heldOut.actions.filter((a) => a.taskId === taskId).map((a) => a.stepId);
    assert.deepEqual(scored('approved'), workerSteps.get('approved')!.slice(2));
    assert.deepEqual(scored('rejected'), []);
    assert.deepEqual(heldOut.pairs.map((p) => [p.taskId, p.kind]), [['edited', 'user_edit']]);

    const records = readStepRecords(site.store.path, { role: 'worker', trainFraction: 1 });
    const labelOf = (taskId: string) => records.filter((r) => r.taskId === taskId).map((r) => r.label);
    assert.deepEqual(labelOf('approved'), ['unreviewed', 'unreviewed', 'merged', 'merged', 'merged', 'merged']);
    assert.deepEqual(labelOf('rejected'), ['rejected', 'rejected']);
    assert.deepEqual(labelOf('edited'), ['approved', 'approved']);
  });
});

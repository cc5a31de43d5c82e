// A scripted task on the real store and workspace, reviewed end to end: the human approves while
// having edited the same line themselves. The conflict is reported, the user's file and index stay
// as they were, the other approved file lands, and the agent's version stays in the task's worktree.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReviewRecorder } from '../../daemon/src/store/review-recorder.js';
import { taskReviews } from '../../daemon/src/store/task-queries.js';
import { applyApproved } from '../../daemon/src/workspace/apply-approved.js';
import { TaskWorktree } from '../../daemon/src/workspace/task-worktree.js';
import type { FileReview } from '../../daemon/src/protocol/types.js';
import { runScenario, SAMPLE_FILES } from '../agents/scenario-kit.js';
import { act } from '../agents/scripted-model.js';
import { makeSite, taskOnSite, type HarnessSite } from './support/git-store-harness.js';
import { git } from './support/temp-repo.js';

describe('agents: a scripted task approved over a conflicting user edit', () => {
  let site: HarnessSite;
  beforeEach(() => { site = makeSite(SAMPLE_FILES); });
  afterEach(() => site.remove());

  it('reports the conflict and loses nothing', async () => {
    let worktree: TaskWorktree | null = null;
    const run = await runScenario({
      factory: async (taskId) => {
        const harness = await taskOnSite(site, taskId);
        if (harness.workspace instanceof TaskWorktree) worktree = harness.workspace;
        return harness;
      },
      taskId: 'review-conflict',
      scripts: {
        orchestrator: [
          act('delegate', { instruction: 'Say hello instead of hi, and add NOTES.md.', files: ['src/greet.ts'] }),
          act('accept'),
          act('finish', { summary: 'Greets with hello; notes added.' }),
        ],
        worker: [
          act('edit_file', { path: 'src/greet.ts', search: 'hi ${name}', replace: 'hello ${name}' }),
          act('write_file', { path: 'NOTES.md', content: 'Greeting changed.\n' }),
          act('done', { summary: 'edited greet.ts, wrote NOTES.md' }),
        ],
      },
    });
    const task = worktree as TaskWorktree | null;
    assert.ok(task, 'the harness made a real worktree');
    assert.equal(run.result.state, 'review');
    assert.deepEqual(run.result.diff!.files.map((f) => f.path).sort(), ['NOTES.md', 'src/greet.ts']);

    // Meanwhile the user changed the same line in their own tree.
    const userVersion = SAMPLE_FILES['src/greet.ts']!.replace('hi ${name}', 'hey there ${name}');
    writeFileSync(join(site.repo, 'src/greet.ts'), userVersion);
    const indexBefore = readFileSync(join(site.repo, '.git/index'));
    const headBefore = git(site.repo, ['rev-parse', 'HEAD']);

    const reviews: FileReview[] = [{ path: 'src/greet.ts', verdict: 'approve' }, { path: 'NOTES.md', verdict: 'approve' }];
    const reviewer = new ReviewRecorder(site.store);
    for (const review of reviews) reviewer.recordReview(run.taskId, run.result.diffId!, review);
    const { result, applied } = await applyApproved(task, reviews, { agentCommit: run.result.diff!.agentCommit! });
    reviewer.recordApplied({ taskId: run.taskId, diffId: run.result.diffId!, patchId: applied.patchId, unifiedDiff: applied.unified, commitSha: result.commit });

    assert.deepEqual(result.conflicts.map((c) => c.path), ['src/greet.ts']);
    assert.match(result.conflicts[0]!.message, /you changed this file since the task started/);
    assert.deepEqual(result.applied, ['NOTES.md']);
    // Nothing lost: the user's edit as they left it, the agent's in the worktree and still in the diff.
    assert.equal(readFileSync(join(site.repo, 'src/greet.ts'), 'utf8'), userVersion);
    assert.match(readFileSync(join(task.root, 'src/greet.ts'), 'utf8'), /hello \$\{name\}/);
    assert.ok((await task.diff(1)).files.some((f) => f.path === 'src/greet.ts'));
    assert.equal(readFileSync(join(site.repo, 'NOTES.md'), 'utf8'), 'Greeting changed.\n');
    assert.deepEqual(readFileSync(join(site.repo, '.git/index')), indexBefore);
    assert.equal(git(site.repo, ['rev-parse', 'HEAD']), headBefore);
    // What was applied is the notes file only, and the store holds the verdicts and that patch.
    assert.match(applied.unified, /NOTES\.md/);
    assert.doesNotMatch(applied.unified, /greet\.ts/);
    assert.deepEqual(taskReviews(site.store, run.taskId).map((r) => [r.path, r.verdict]), [['src/greet.ts', 'approve'], ['NOTES.md', 'approve']]);
    const stored = site.store.db.prepare('SELECT patch_id FROM applied_changes WHERE task_id = ?').pluck().all(run.taskId);
    assert.deepEqual(stored, [applied.patchId]);
  });
});

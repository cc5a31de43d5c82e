// The daemon's scheduled signals scan, on a real store and a real repo: it finds a change merged
// without being asked, and once disposed it has finished writing and scans no more.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataService } from '../../daemon/src/services/data-service.js';
import { ReviewRecorder } from '../../daemon/src/store/review-recorder.js';
import { StoreTrajectoryRecorder } from '../../daemon/src/store/trajectory-recorder.js';
import { applyApproved } from '../../daemon/src/workspace/apply-approved.js';
import { createTaskWorktree } from '../../daemon/src/workspace/task-worktree.js';
import { tempStore } from './store/sample-trajectory.js';
import { git, makeTempRepo } from './support/temp-repo.js';

describe('signals: the scheduled scan', () => {
  it('records a merged change on its own schedule, and after dispose scans no more', async () => {
    const t = makeTempRepo({ 'README.md': '# sample\n' });
    const s = tempStore();
    try {
      const task = await createTaskWorktree({ repoPath: t.repo, taskId: 'task-1', worktreesDir: t.worktrees });
      writeFileSync(join(task.root, 'added.txt'), 'the agent wrote this\n');
      const diff = await task.diff(1);
      const recorder = new StoreTrajectoryRecorder(s.store);
      recorder.startTask({ taskId: 'task-1', prompt: 'add a file', repoPath: t.repo, baseCommit: task.baseCommit, branch: task.branch, promptVersion: 'p', baseModelSha: 'm' });
      const diffId = recorder.recordDiff(diff, { subtaskId: null, stepId: null });
      const { applied } = await applyApproved(task, [{ path: 'added.txt', verdict: 'approve' }]);
      new ReviewRecorder(s.store).recordApplied({ taskId: 'task-1', diffId, patchId: applied.patchId, unifiedDiff: applied.unified, commitSha: null });
      git(t.repo, ['add', 'added.txt']);
      git(t.repo, ['commit', '-q', '-m', 'take it']);

      const lines: string[] = [];
      let heard!: () => void;
      const scanned = new Promise<void>((resolve) => { heard = resolve; });
      const data = new DataService(s.store.path, () => s.store, (line) => { lines.push(line); if (/signals scan: 1 merged/.test(line)) heard(); }, 0.001);
      await scanned;
      await data.dispose();
      const merged = s.store.db.prepare("SELECT COUNT(*) FROM signals WHERE kind = 'merged' AND task_id = 'task-1'").pluck().get();
      assert.equal(merged, 1);
      const after = lines.length;
      await new Promise((resolve) => setTimeout(resolve, 200)); // some 3 intervals
      assert.equal(lines.length, after, 'no scan after dispose');
      assert.ok(lines.every((line) => !/failed/.test(line)), lines.join('\n'));
    } finally {
      s.dispose();
      t.remove();
    }
  });
});

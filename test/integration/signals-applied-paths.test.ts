// The patch-id approval records is the one the signals scan finds on the default branch, whatever the
// file names: non-ASCII names (git quotes them by default), a control character, and names that look
// like pathspecs. And "no time limit" reads the whole history, however old.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { branchPatchIds } from '../../daemon/src/store/git-patch-ids.js';
import { readBranchHistory } from '../../daemon/src/store/landed-commits.js';
import { applyApproved } from '../../daemon/src/workspace/apply-approved.js';
import { createTaskWorktree } from '../../daemon/src/workspace/task-worktree.js';
import { git, makeTempRepo } from './support/temp-repo.js';

describe('signals: approved changes found again on the default branch', () => {
  for (const name of ['naïve Ѫ file.txt', '*.md', 'tab\there.txt']) {
    it(`finds the applied patch-id of ${JSON.stringify(name)} in the commit that took it`, async () => {
      const t = makeTempRepo({ 'README.md': '# sample\n' });
      try {
        const task = await createTaskWorktree({ repoPath: t.repo, taskId: 'task-1', worktreesDir: t.worktrees });
        writeFileSync(join(task.root, name), 'the agent wrote this\n');
        const { result, applied } = await applyApproved(task, [{ path: name, verdict: 'approve' }]);
        assert.deepEqual(result.applied, [name]);
        git(t.repo, ['--literal-pathspecs', 'add', '--', name]);
        git(t.repo, ['commit', '-q', '-m', 'take it']);
        const head = git(t.repo, ['rev-parse', 'HEAD']).trim();
        const ids = await branchPatchIds(t.repo, ['main'], 0, false);
        assert.deepEqual(ids.get(applied.patchId), [head]);
      } finally {
        t.remove();
      }
    });
  }

  // Git reads `--since=0` as a time near now: a scan without a limit once missed every commit older
  // than a second, which made the cases above fail whenever a second boundary fell inside them.
  it('reads commits of any age when no time limit is given', async () => {
    const t = makeTempRepo({ 'README.md': '# sample\n' });
    try {
      writeFileSync(join(t.repo, 'old.txt'), 'from 2001\n');
      git(t.repo, ['add', 'old.txt']);
      const old = '2001-01-01T00:00:00Z';
      execFileSync('git', ['commit', '-q', '-m', 'old change'], { cwd: t.repo, env: { ...process.env, GIT_AUTHOR_DATE: old, GIT_COMMITTER_DATE: old } });
      const head = git(t.repo, ['rev-parse', 'HEAD']).trim();
      const ids = await branchPatchIds(t.repo, ['main'], 0, false);
      assert.ok([...ids.values()].some((commits) => commits.includes(head)), 'the 2001 commit has a patch-id');
      const history = await readBranchHistory(t.repo, ['main'], 0);
      assert.ok(history.commits.has(head) && history.firstParent.has(head));
    } finally {
      t.remove();
    }
  });
});

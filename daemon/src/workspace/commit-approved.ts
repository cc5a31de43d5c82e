// Optionally commits what approval wrote: only those paths (`commit --only`), so whatever else the
// user had staged stays staged and out of the commit. The trailer ties the commit to its task.
import { gitExec, gitText } from './git-exec.js';

// Paths are file names, never patterns: an agent's file named `*.md` or `:(top)x` must not match the user's others.
const LITERAL = { GIT_LITERAL_PATHSPECS: '1' };

export type CommitOutcome = { ok: true; sha: string } | { ok: false; message: string };

export async function commitApproved(repoPath: string, paths: string[], taskId: string, message?: string): Promise<CommitOutcome> {
  const subject = message?.trim() || `Apply changes from Tandem task ${taskId}`;
  // New files must be known to git before `commit --only` may name them; deleted ones already are.
  const untracked = await gitText(['ls-files', '--others', '-z', '--', ...paths], { cwd: repoPath, env: LITERAL });
  const newFiles = untracked.split('\0').filter(Boolean);
  if (newFiles.length > 0) await gitText(['add', '--', ...newFiles], { cwd: repoPath, env: LITERAL });
  const result = await gitExec(['commit', '--quiet', '--only', '-m', subject, '-m', `Tandem-Task: ${taskId}`, '--', ...paths], { cwd: repoPath, env: LITERAL });
  if (result.code !== 0) return { ok: false, message: `the changes were applied, but committing them failed: ${result.stderr.trim() || result.stdout.toString('utf8').trim()}` };
  return { ok: true, sha: (await gitText(['rev-parse', 'HEAD'], { cwd: repoPath })).trim() };
}

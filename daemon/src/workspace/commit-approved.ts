// Optionally commits what approval wrote: only those paths (`commit --only`), so whatever else the
// user had staged stays staged and out of the commit. The trailer ties the commit to its task.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { gitExec, gitText } from './git-exec.js';

// Paths are file names, never patterns: an agent's file named `*.md` or `:(top)x` must not match the user's others.
const LITERAL = { GIT_LITERAL_PATHSPECS: '1' };

export type CommitOutcome = { ok: true; sha: string } | { ok: false; message: string };

export async function commitApproved(repoPath: string, paths: string[], taskId: string, message?: string): Promise<CommitOutcome> {
  const hooks = await hookPathsAmong(repoPath, paths);
  if (hooks.length > 0) {
    return { ok: false, message: `the changes were applied, but not committed: ${hooks.join(', ')} ${hooks.length > 1 ? 'are' : 'is'} among the repository's git hooks and would run during the commit. Review ${hooks.length > 1 ? 'them' : 'it'}, then commit yourself.` };
  }
  const subject = message?.trim() || `Apply changes from Tandem task ${taskId}`;
  // New files must be known to git before `commit --only` may name them; deleted ones already are.
  const untracked = await gitText(['ls-files', '--others', '-z', '--', ...paths], { cwd: repoPath, env: LITERAL });
  const newFiles = untracked.split('\0').filter(Boolean);
  if (newFiles.length > 0) await gitText(['add', '--', ...newFiles], { cwd: repoPath, env: LITERAL });
  const result = await gitExec(['commit', '--quiet', '--only', '-m', subject, '-m', `Tandem-Task: ${taskId}`, '--', ...paths], { cwd: repoPath, env: LITERAL });
  if (result.code !== 0) return { ok: false, message: `the changes were applied, but committing them failed: ${result.stderr.trim() || result.stdout.toString('utf8').trim()}` };
  return { ok: true, sha: (await gitText(['rev-parse', 'HEAD'], { cwd: repoPath })).trim() };
}

/**
 * The approved paths that are git hooks: inside the hooks folder git would run them from (core.hooksPath
 * or .git/hooks), or, when that folder lies in the work tree, inside its top folder (husky's `.husky/_`
 * runs the scripts in `.husky/`).
 */
async function hookPathsAmong(repoPath: string, paths: string[]): Promise<string[]> {
  const hooksDir = (await gitText(['rev-parse', '--path-format=absolute', '--git-path', 'hooks'], { cwd: repoPath })).trim();
  const root = resolve(repoPath);
  const inTree = relative(root, hooksDir);
  const guarded = inTree && !inTree.startsWith('..') && !isAbsolute(inTree) ? resolve(root, inTree.split(sep)[0]!) : hooksDir;
  return paths.filter((path) => {
    const full = resolve(root, path);
    return full === guarded || full.startsWith(guarded + sep);
  });
}

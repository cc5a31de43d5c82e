// `git patch-id --stable` over a branch's history: the key that finds a change again after a
// squash or a rebase gave it a new commit. simple-git cannot pipe, so these run raw git through
// the workspace's one runner.
import { gitPipeText, gitText } from '../workspace/git-exec.js';

const DIFF_FLAGS = ['--no-color', '--no-ext-diff', '--no-textconv'];

/**
 * The log limit for commits since a time. Git reads a small number such as `--since=0` as a date
 * near now, not as the epoch, which hides every commit older than a second: no limit is no flag.
 */
export function sinceFlags(sinceSeconds: number): string[] {
  return sinceSeconds > 0 ? [`--since=${sinceSeconds}`] : [];
}

/**
 * patch-id -> commits (newest first) of every commit reachable from refs since a time (0: all); merge
 * commits count as their diff against the first parent, which is what a merged branch brought.
 * With reverse, each commit's diff is inverted first, so a commit that undoes a change has the
 * change's own patch-id.
 */
export async function branchPatchIds(repoPath: string, refs: string[], sinceSeconds: number, reverse: boolean): Promise<Map<string, string[]>> {
  // -R swaps the sides but not the prefixes; swap them back so paths read a/... b/... as in a forward diff.
  const prefixes = reverse ? ['-R', '--src-prefix=b/', '--dst-prefix=a/'] : ['--src-prefix=a/', '--dst-prefix=b/'];
  // Unquoted paths, as the workspace writes the diffs it records: a quoted non-ASCII name hashes differently.
  const log = ['-c', 'log.showSignature=false', '-c', 'core.quotePath=false', 'log', ...refs, ...sinceFlags(sinceSeconds), '--pretty=medium', '-p',
    '--diff-merges=first-parent', ...DIFF_FLAGS, ...prefixes, '--'];
  const output = await gitPipeText(log, ['patch-id', '--stable'], { cwd: repoPath });
  const ids = new Map<string, string[]>();
  for (const line of output.split('\n')) {
    const [patchId, commit] = line.split(' ');
    if (!patchId || !commit) continue;
    const list = ids.get(patchId) ?? [];
    list.push(commit);
    ids.set(patchId, list);
  }
  return ids;
}

/** The stable patch-id of a unified diff (as `git diff` prints it); null when it has no changes. */
export async function patchIdOfDiff(repoPath: string, unifiedDiff: string): Promise<string | null> {
  const output = await gitText(['patch-id', '--stable'], { cwd: repoPath, input: unifiedDiff });
  return output.split(' ')[0] || null;
}

// The commits on a repo's default branch that a signal scan looks at: their trailers, the commits
// they say they revert, and which of them sit on the first-parent line (where a PR lands).
import { simpleGit } from 'simple-git';
import { sinceFlags } from './git-patch-ids.js';

export interface LandedCommit {
  sha: string;
  /** Values of `Tandem-Task:` trailers: task ids. */
  tasks: string[];
  /** Commits named by "This reverts commit <sha>" (full or abbreviated). */
  reverts: string[];
}

export interface BranchHistory {
  commits: Map<string, LandedCommit>;
  firstParent: Set<string>;
}

const RECORD = '\x1e';
const FIELD = '\x1d';
const VALUE = '\x1f';

export async function readBranchHistory(repoPath: string, refs: string[], sinceSeconds: number): Promise<BranchHistory> {
  const git = simpleGit({ baseDir: repoPath });
  const since = sinceFlags(sinceSeconds);
  const format = `--format=${RECORD}%H${FIELD}%(trailers:key=Tandem-Task,valueonly,separator=%x1f)${FIELD}%B`;
  const log = await git.raw(['log', ...refs, ...since, format, '--']);
  const commits = new Map<string, LandedCommit>();
  for (const record of log.split(RECORD)) {
    const [sha, trailers, body] = record.split(FIELD);
    if (!sha || body === undefined) continue;
    commits.set(sha, {
      sha,
      tasks: (trailers ?? '').split(VALUE).map((t) => t.trim()).filter(Boolean),
      reverts: [...body.matchAll(/This reverts commit ([0-9a-f]{7,40})/g)].map((m) => m[1]!),
    });
  }
  const firstParent = new Set((await git.raw(['rev-list', '--first-parent', ...refs, ...since, '--'])).split('\n').filter(Boolean));
  return { commits, firstParent };
}

/** True when `ancestor` is reachable from `descendant` (a commit is its own ancestor). */
export async function isAncestor(repoPath: string, ancestor: string, descendant: string): Promise<boolean> {
  // merge-base prints the common ancestor; it equals `ancestor` exactly when it is one.
  const base = await simpleGit({ baseDir: repoPath }).raw(['merge-base', ancestor, descendant]).catch(() => '');
  return base.trim() === ancestor;
}

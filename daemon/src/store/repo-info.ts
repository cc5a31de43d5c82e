// A repo's remote and default branch, found with simple-git and remembered in the repos table.
import { simpleGit } from 'simple-git';
import type { Store } from './open-store.js';

export interface RepoInfo {
  remote: string | null;
  defaultBranch: string | null;
}

/** The branch merged PRs land on: origin's HEAD if known, else a local main/master/init.defaultBranch. */
export async function detectRepoInfo(repoPath: string): Promise<RepoInfo> {
  const git = simpleGit({ baseDir: repoPath });
  const remote = (await git.raw(['remote', 'get-url', 'origin']).catch(() => '')).trim() || null;
  const originHead = (await git.raw(['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD']).catch(() => '')).trim();
  if (originHead.startsWith('origin/')) return { remote, defaultBranch: originHead.slice('origin/'.length) };
  const configured = (await git.raw(['config', '--get', 'init.defaultBranch']).catch(() => '')).trim();
  for (const name of [configured, 'main', 'master'].filter(Boolean)) {
    if (await refExists(repoPath, `refs/heads/${name}`)) return { remote, defaultBranch: name };
  }
  return { remote, defaultBranch: null };
}

/** The refs a scan reads: the local default branch and, when it exists, origin's copy of it. */
export async function defaultBranchRefs(repoPath: string, defaultBranch: string): Promise<string[]> {
  const refs: string[] = [];
  if (await refExists(repoPath, `refs/heads/${defaultBranch}`)) refs.push(`refs/heads/${defaultBranch}`);
  if (await refExists(repoPath, `refs/remotes/origin/${defaultBranch}`)) refs.push(`refs/remotes/origin/${defaultBranch}`);
  return refs;
}

/** Fills in what the repos row lacks; a value already there (perhaps set by the user) wins. */
export async function resolveRepoInfo(store: Store, repo: { id: number; path: string; remote: string | null; default_branch: string | null }): Promise<RepoInfo> {
  if (repo.default_branch !== null) return { remote: repo.remote, defaultBranch: repo.default_branch };
  const found = await detectRepoInfo(repo.path);
  store.write(() => store.db.prepare('UPDATE repos SET remote = COALESCE(remote, ?), default_branch = ? WHERE id = ?')
    .run(found.remote, found.defaultBranch, repo.id));
  return { remote: repo.remote ?? found.remote, defaultBranch: found.defaultBranch };
}

async function refExists(repoPath: string, ref: string): Promise<boolean> {
  // simple-git resolves a failed command that printed nothing, so look at what it printed.
  const sha = await simpleGit({ baseDir: repoPath }).raw(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => '');
  return sha.trim() !== '';
}

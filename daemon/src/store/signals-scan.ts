// Did an approved change land on the default branch, and was it later reverted? Each answer is
// recorded once as a signal (merged / reverted), whatever the number of scans.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ProgressEvent } from '../protocol/types.js';
import { branchPatchIds } from './git-patch-ids.js';
import { isAncestor, readBranchHistory, type BranchHistory } from './landed-commits.js';
import type { Store } from './open-store.js';
import { defaultBranchRefs, resolveRepoInfo } from './repo-info.js';
import { recordSignal } from './signal-records.js';

export interface ScanResult {
  /** Signals newly recorded by this scan. */
  merged: number;
  reverted: number;
  /** Repos that could not be scanned, and why. */
  skipped: { repoPath: string; reason: string }[];
}

interface RepoRow { id: number; path: string; remote: string | null; default_branch: string | null }
interface AppliedRow { id: number; task_id: string; patch_id: string; created_at: number }
interface MergedRow { applied_id: number; task_id: string; commit_sha: string; patch_id: string }

// Commits made a day before the change was applied cannot contain it; the margin absorbs clock skew.
const SINCE_MARGIN_S = 24 * 3600;

export async function scanSignals(
  store: Store, options: { repoPath?: string; onProgress?: (event: ProgressEvent) => void } = {},
): Promise<ScanResult> {
  const wanted = options.repoPath === undefined ? null : resolve(options.repoPath);
  const repos = store.db.prepare(`SELECT DISTINCT r.id, r.path, r.remote, r.default_branch FROM repos r
    JOIN tasks t ON t.repo_id = r.id JOIN applied_changes a ON a.task_id = t.id
    WHERE (? IS NULL OR r.path = ?) ORDER BY r.path`).all(wanted, wanted) as RepoRow[];
  const result: ScanResult = { merged: 0, reverted: 0, skipped: [] };
  if (wanted !== null && repos.length === 0) result.skipped.push({ repoPath: wanted, reason: 'no approved change was recorded for this repository' });
  const progress = (done: number, finished = false) =>
    options.onProgress?.({ id: 'signals-scan', title: 'Scanning repos', done, total: repos.length, unit: 'records', finished });
  progress(0);
  for (const [index, repo] of repos.entries()) {
    try {
      const counts = await scanRepo(store, repo);
      result.merged += counts.merged;
      result.reverted += counts.reverted;
    } catch (error) {
      result.skipped.push({ repoPath: repo.path, reason: (error as Error).message });
    }
    progress(index + 1, index + 1 === repos.length);
  }
  return result;
}

async function scanRepo(store: Store, repo: RepoRow): Promise<{ merged: number; reverted: number }> {
  if (!existsSync(repo.path)) throw new Error('the repository folder no longer exists');
  const { defaultBranch } = await resolveRepoInfo(store, repo);
  if (!defaultBranch) throw new Error('no default branch found (no origin/HEAD, main or master); set repos.default_branch');
  const refs = await defaultBranchRefs(repo.path, defaultBranch);
  if (refs.length === 0) throw new Error(`the default branch ${defaultBranch} does not exist`);

  const applied = store.db.prepare(`SELECT a.id, a.task_id, a.patch_id, a.created_at FROM applied_changes a
    JOIN tasks t ON t.id = a.task_id WHERE t.repo_id = ? ORDER BY a.id`).all(repo.id) as AppliedRow[];
  const since = Math.floor(Math.min(...applied.map((a) => a.created_at)) / 1000) - SINCE_MARGIN_S;
  const history = await readBranchHistory(repo.path, refs, since);
  const forward = await branchPatchIds(repo.path, refs, since, false);

  const merged = recordMerged(store, applied, history, forward);
  const reverted = await recordReverted(store, repo, history, forward, await branchPatchIds(repo.path, refs, since, true));
  return { merged, reverted };
}

function recordMerged(store: Store, applied: AppliedRow[], history: BranchHistory, forward: Map<string, string[]>): number {
  const changeMerged = store.db.prepare("SELECT 1 FROM signals WHERE kind = 'merged' AND applied_id = ?").pluck();
  const taskMerged = store.db.prepare("SELECT 1 FROM signals WHERE kind = 'merged' AND task_id = ?").pluck();
  const trailerCommits = new Map<string, string>(); // task id -> oldest commit carrying its trailer
  for (const commit of history.commits.values()) for (const task of commit.tasks) trailerCommits.set(task, commit.sha);
  let count = 0;
  // Newest applied change first, so a trailer (which names only the task) credits the latest one.
  for (const change of [...applied].reverse()) {
    if (changeMerged.get(change.id)) continue;
    const commits = forward.get(change.patch_id) ?? [];
    // Prefer where it landed on the first-parent line (the merge or squash commit), oldest first.
    const byPatch = [...commits].reverse().find((c) => history.firstParent.has(c)) ?? commits[commits.length - 1];
    // A trailer names only the task: it credits one change of the task, once.
    const byTrailer = taskMerged.get(change.task_id) ? undefined : trailerCommits.get(change.task_id);
    const commit = byPatch ?? byTrailer;
    if (!commit) continue;
    count += insertSignal(store, change.task_id, change.id, 'merged', byPatch ? 'patch-id' : 'trailer', commit, null);
  }
  return count;
}

async function recordReverted(
  store: Store, repo: RepoRow, history: BranchHistory, forward: Map<string, string[]>, inverse: Map<string, string[]>,
): Promise<number> {
  const landed = store.db.prepare(`SELECT s.applied_id, s.task_id, s.commit_sha, a.patch_id FROM signals s
    JOIN applied_changes a ON a.id = s.applied_id JOIN tasks t ON t.id = s.task_id
    WHERE s.kind = 'merged' AND t.repo_id = ? AND NOT EXISTS
      (SELECT 1 FROM signals r WHERE r.kind = 'reverted' AND r.applied_id = s.applied_id)`).all(repo.id) as MergedRow[];
  let count = 0;
  for (const change of landed) {
    // The commits that carry the change: where it landed, plus any with its patch-id (the branch's own commit).
    const carriers = new Set([change.commit_sha, ...(forward.get(change.patch_id) ?? [])]);
    const byMessage = [...history.commits.values()]
      .filter((c) => c.reverts.some((named) => [...carriers].some((sha) => sha.startsWith(named))))
      .map((c) => c.sha);
    const byInverse = (inverse.get(change.patch_id) ?? []).filter((sha) => !carriers.has(sha));
    // Oldest first, a revert message before an inverse diff; a candidate must come after the
    // change landed, or it undid something older that merely looked the same.
    const candidates = [...byMessage.reverse().map((sha) => ({ sha, source: 'revert-message' })),
      ...byInverse.reverse().map((sha) => ({ sha, source: 'inverse-patch-id' }))];
    for (const { sha, source } of candidates) {
      if (!(await isAncestor(repo.path, change.commit_sha, sha))) continue;
      count += insertSignal(store, change.task_id, change.applied_id, 'reverted', source, sha, `reverts ${change.commit_sha}`);
      break;
    }
  }
  return count;
}

function insertSignal(store: Store, taskId: string, appliedId: number, kind: 'merged' | 'reverted', source: string, commit: string, detail: string | null): number {
  return recordSignal(store, { taskId, appliedId, kind, source, commitSha: commit, detail });
}

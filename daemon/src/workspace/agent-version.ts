// The agent's version of every file, frozen when a diff is taken: the worktree's files as a commit
// on a ref of Tandem's own (refs/tandem/<task>/round-<n>), outside the user's branches. The daemon
// compares the worktree with it at approval to know, itself, whether the user edited a file.
import { gitExec, gitText } from './git-exec.js';

/** A fixed identity: the commit records files, not authorship, and must not need the user's git config. */
const TANDEM_IDENTITY = {
  GIT_AUTHOR_NAME: 'Tandem', GIT_AUTHOR_EMAIL: 'tandem@localhost', GIT_COMMITTER_NAME: 'Tandem', GIT_COMMITTER_EMAIL: 'tandem@localhost',
};

export const agentVersionRef = (taskId: string, round: number): string => `refs/tandem/${taskId}/round-${round}`;

/** Commits the tree git wrote for the diff (its blobs are already stored) and points the round's ref at it. */
export async function freezeAgentVersion(root: string, tree: string, baseCommit: string, taskId: string, round: number): Promise<string> {
  const message = `Tandem: the agent's version of task ${taskId}, round ${round}`;
  const commit = (await gitText(['commit-tree', tree, '-p', baseCommit, '-m', message], { cwd: root, env: TANDEM_IDENTITY })).trim();
  await gitText(['update-ref', agentVersionRef(taskId, round), commit], { cwd: root });
  return commit;
}

export interface AgentFile {
  /** null: the agent deleted the file (or never had it). */
  content: Buffer | null;
  executable: boolean;
  symlink: boolean;
}

/** One file as the agent left it in the frozen commit. */
export async function agentFileAt(cwd: string, commit: string, path: string): Promise<AgentFile> {
  const listed = await gitText(['ls-tree', '-z', commit, '--', path], { cwd });
  const mode = listed.split(' ')[0] ?? '';
  if (!listed) return { content: null, executable: false, symlink: false };
  const blob = await gitExec(['cat-file', '--filters', `${commit}:${path}`], { cwd });
  return { content: blob.code === 0 ? blob.stdout : null, executable: mode === '100755', symlink: mode === '120000' };
}

/** Drops a task's frozen versions: called with its worktree and branch when the task is done. */
export async function removeAgentVersions(repoPath: string, taskId: string): Promise<void> {
  const refs = await gitExec(['for-each-ref', '--format=%(refname)', `refs/tandem/${taskId}/`], { cwd: repoPath });
  for (const ref of refs.stdout.toString('utf8').split('\n').filter(Boolean)) await gitExec(['update-ref', '-d', ref], { cwd: repoPath });
}

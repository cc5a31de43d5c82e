// Where an allowed command runs. Allowing "npm test" allows whatever the test script says, and the
// worker can rewrite the test script: so the command runs under bubblewrap, where only the task's
// worktree and a private /tmp are writable, the user's repository (its .git included) and home are
// read-only, Tandem's own files and the usual credential stores are hidden, the network is cut
// unless the user allowed it for the repository, and everything started inside dies with it.
// Without a working bubblewrap, commands are refused unless the user opts out in so many words.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, lstatSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { tandemPaths } from '../../paths.js';
import type { SandboxStatus } from '../../protocol/sandbox-status.js';

export type Sandbox =
  | { kind: 'bubblewrap'; program: string }
  /** The user set TANDEM_UNSANDBOXED_COMMANDS=1: commands run as the user, with the user's rights. */
  | { kind: 'unsandboxed' }
  | { kind: 'none'; reason: string };

export const UNSANDBOXED_ENV = 'TANDEM_UNSANDBOXED_COMMANDS';

/** What the refusal and `tandem doctor` tell a user who has no sandbox. */
export const NO_SANDBOX_ADVICE = `install bubblewrap (Debian/Ubuntu: apt install bubblewrap), or set ${UNSANDBOXED_ENV}=1 to run allowed commands unsandboxed, as yourself, with everything you can reach`;

// Credential stores in the home directory that no test run needs to read.
const HIDDEN_IN_HOME = [
  '.ssh', '.gnupg', '.aws', '.azure', '.kube', '.docker', '.netrc', '.git-credentials', '.npmrc', '.pypirc',
  '.config/gcloud', '.config/gh', '.config/hub', '.local/share/keyrings', '.password-store',
];

const probed = new Map<string, Sandbox>();

/** The sandbox commands run in, found once per bubblewrap path (TANDEM_BWRAP, else `bwrap` on PATH). */
export function findSandbox(env: NodeJS.ProcessEnv = process.env): Sandbox {
  if (env[UNSANDBOXED_ENV] === '1') return { kind: 'unsandboxed' };
  const program = env.TANDEM_BWRAP ?? findOnPath('bwrap', env.PATH ?? '');
  if (!program) return { kind: 'none', reason: 'bubblewrap (bwrap) is not installed' };
  let found = probed.get(program);
  if (!found) {
    // A bwrap that cannot make namespaces here (user namespaces off, a locked-down container) is no sandbox.
    const trial = spawnSync(program, ['--ro-bind', '/', '/', '--unshare-all', '--die-with-parent', 'true'], { encoding: 'utf8', timeout: 10_000 });
    found = trial.status === 0 ? { kind: 'bubblewrap', program }
      : { kind: 'none', reason: `bubblewrap (${program}) does not work here: ${(trial.error?.message ?? trial.stderr ?? '').trim() || `exit ${trial.status}`}` };
    probed.set(program, found);
  }
  return found;
}

/** The sandbox as the daemon's status reports it. */
export function sandboxStatus(env: NodeJS.ProcessEnv = process.env): SandboxStatus {
  const sandbox = findSandbox(env);
  if (sandbox.kind === 'none') return { available: false, mode: 'none', reason: sandbox.reason, fix: NO_SANDBOX_ADVICE };
  return { available: sandbox.kind === 'bubblewrap', mode: sandbox.kind, reason: null, fix: null };
}

export interface SandboxedCommand {
  /** The task's worktree: the command's working directory and the only writable place besides /tmp. */
  worktree: string;
  /** Whether the repository's commands may use the network. */
  network: boolean;
  env?: NodeJS.ProcessEnv;
}

/** The bwrap argv that runs `words` under the rules at the top of this file. */
export function bubblewrapArgs(words: readonly string[], command: SandboxedCommand): string[] {
  const env = command.env ?? process.env;
  const worktree = resolve(command.worktree);
  const args = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp',
    '--unshare-all', ...(command.network ? ['--share-net'] : []), '--die-with-parent', '--new-session'];
  for (const path of hiddenPaths(env)) {
    const kind = kindOf(path);
    if (kind === 'dir') args.push('--tmpfs', path);
    else if (kind === 'file') args.push('--ro-bind', '/dev/null', path);
  }
  // Git inside needs the repository's git dir to read objects and refs; it stays read-only, so no
  // hook or config can be planted there. Bound again in case /tmp or a hidden folder covered it.
  for (const gitDir of gitDirsOf(worktree)) args.push('--ro-bind', gitDir, gitDir);
  args.push('--bind', worktree, worktree);
  // The worktree's .git file says where its git dir is: a rewritten one would point later git runs
  // of the daemon at a config the command wrote.
  if (kindOf(join(worktree, '.git')) !== 'missing') args.push('--ro-bind', join(worktree, '.git'), join(worktree, '.git'));
  args.push('--chdir', worktree, '--setenv', 'TMPDIR', '/tmp', '--', ...words);
  return args;
}

/** The program a command names, as spawn would find it, or null: bwrap's own "not found" is less clear. */
export function resolveProgram(program: string, cwd: string, path: string): string | null {
  if (program.includes('/')) {
    const full = isAbsolute(program) ? program : resolve(cwd, program);
    return isExecutable(full) ? full : null;
  }
  return findOnPath(program, path);
}

function hiddenPaths(env: NodeJS.ProcessEnv): string[] {
  const paths = tandemPaths(env);
  const home = env.HOME ?? homedir();
  // Tandem's home holds every task's trajectory and the other worktrees; the discovery file's folder holds the daemon's token.
  return [paths.home, dirname(paths.discovery), ...HIDDEN_IN_HOME.map((name) => join(home, name))];
}

/** The user's repository, its common git dir and the worktree's own git dir, read from the .git file git wrote. */
function gitDirsOf(worktree: string): string[] {
  const dotGit = join(worktree, '.git');
  if (kindOf(dotGit) !== 'file') return [];
  const pointer = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim();
  if (!pointer) return [];
  const gitDir = resolve(worktree, pointer);
  let common = gitDir;
  try { common = resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim()); } catch { /* not a linked worktree */ }
  // The user's repository itself is shown read-only too, rather than vanishing under a private /tmp.
  const repo = basename(common) === '.git' ? [dirname(common)] : [];
  return [...new Set([...repo, common, gitDir])].filter((dir) => kindOf(dir) === 'dir');
}

function kindOf(path: string): 'dir' | 'file' | 'other' | 'missing' {
  try {
    const info = lstatSync(path);
    return info.isDirectory() ? 'dir' : info.isFile() ? 'file' : 'other';
  } catch {
    return 'missing';
  }
}

function findOnPath(program: string, path: string): string | null {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const full = join(dir, program);
    if (isExecutable(full)) return full;
  }
  return null;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return lstatSync(path).isDirectory() === false;
  } catch {
    return false;
  }
}

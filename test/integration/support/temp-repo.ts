// Real git repositories for tests, made in a temp folder and removed afterwards.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function git(cwd: string, args: string[], input?: string): string {
  return execFileSync('git', args, { cwd, input, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_OPTIONAL_LOCKS: '0' } });
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

export interface TempRepo {
  /** The user's repository. */
  repo: string;
  /** Tandem's worktrees folder, outside the repository. */
  worktrees: string;
  home: string;
  remove(): void;
}

/** A repository with one commit holding `files`, plus a separate worktrees folder. */
/** A git repo on `main` with one commit of `files`, in an existing empty folder. */
export function initRepo(repo: string, files: Record<string, string>): void {
  git(repo, ['init', '-q', '-b', 'main']);
  git(repo, ['config', 'user.name', 'Test User']);
  git(repo, ['config', 'user.email', 'test@example.com']);
  git(repo, ['config', 'commit.gpgsign', 'false']);
  writeFiles(repo, files);
  git(repo, ['add', '-A']);
  git(repo, ['commit', '-q', '-m', 'initial']);
}

export function makeTempRepo(files: Record<string, string>): TempRepo {
  const home = mkdtempSync(join(tmpdir(), 'tandem-test-'));
  const repo = join(home, 'repo');
  mkdirSync(repo);
  initRepo(repo, files);
  return { repo, worktrees: join(home, 'worktrees'), home, remove: () => rmSync(home, { recursive: true, force: true }) };
}

/** A text of n numbered lines, so hunks far apart stay separate. */
export const numberedLines = (n: number, prefix = 'line'): string => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}\n`).join('');

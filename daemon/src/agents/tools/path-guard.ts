// Every path a tool touches is resolved inside the worktree first. Refused, with a message the model
// reads: absolute paths, "..", anything in .git, and symlinks (of the file or of any parent folder,
// existing or about to be created under) whose real location is outside the worktree.
import { lstat, realpath } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';

export type GuardedPath =
  | { ok: true; /** real absolute path, links resolved */ absolute: string; /** as the model should name it */ relative: string; exists: boolean }
  | { ok: false; error: string };

const refuse = (error: string): GuardedPath => ({ ok: false, error });

export async function resolveInside(root: string, requested: unknown): Promise<GuardedPath> {
  if (typeof requested !== 'string') return refuse('the path must be a string, relative to the repository root (e.g. "src/app.ts")');
  if (requested.includes('\0')) return refuse('the path contains a NUL character');
  const path = requested.replace(/\\/g, '/');
  if (path.startsWith('/') || path.startsWith('~') || /^[A-Za-z]:/.test(path)) {
    return refuse(`"${requested}" is absolute: paths are relative to the repository root (e.g. "src/app.ts")`);
  }
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) return refuse(`"${requested}" uses "..": only files inside the repository can be used`);
  if (segments.some((segment) => segment.toLowerCase() === '.git')) return refuse(`"${requested}" is inside .git, which tools may not touch`);

  const realRoot = await realpath(root);
  const wanted = join(realRoot, ...segments);
  const found = await deepestExisting(wanted, realRoot);
  if (!found) return refuse(`"${requested}" goes through a symbolic link whose target does not exist`);
  const inside = (real: string): boolean => real === realRoot || real.startsWith(realRoot + sep);
  if (!inside(found.real)) return refuse(`"${requested}" leads outside the repository through a symbolic link`);
  const rel = relative(realRoot, found.real).split(sep);
  if (rel[0]?.toLowerCase() === '.git') return refuse(`"${requested}" leads into .git through a symbolic link`);
  const rest = relative(found.existing, wanted);
  if (rest !== '') {
    const parent = await lstat(found.real);
    if (!parent.isDirectory()) return refuse(`"${relative(realRoot, found.existing)}" is a file, so "${requested}" cannot be inside it`);
  }
  const absolute = rest === '' ? found.real : join(found.real, rest);
  return { ok: true, absolute, relative: relative(realRoot, absolute).split(sep).join('/') || '.', exists: rest === '' };
}

/** The nearest existing path at or above `wanted` (not above root), with its links resolved; null for a dangling link. */
async function deepestExisting(wanted: string, realRoot: string): Promise<{ existing: string; real: string } | null> {
  let current = wanted;
  for (;;) {
    const stats = await lstat(current).catch(() => null);
    if (stats) {
      const real = await realpath(current).catch(() => null);
      return real === null ? null : { existing: current, real };
    }
    if (current === realRoot) return { existing: realRoot, real: realRoot };
    current = dirname(current);
  }
}

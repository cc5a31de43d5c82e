// The discovery file tells clients where the daemon listens and which token to present.
// It is created exclusively (link of a 0600 temp file), so two daemons starting at once cannot both
// claim it, and removed on exit only by the daemon that wrote it. Its temp file has a random name and
// is created with O_EXCL, so a link planted in its place is never followed; and a reader trusts only
// a regular file of its own user that nobody else can read, so nobody else can plant one.
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface DaemonDiscovery {
  port: number;
  pid: number;
  token: string;
  version: string;
  startedAt: string;
}

export type ReadResult =
  | { kind: 'none' }
  | { kind: 'unreadable'; message: string }
  /** A file this user must not trust: not a regular file, another user's, or readable by others. */
  | { kind: 'untrusted'; message: string }
  | { kind: 'found'; discovery: DaemonDiscovery };

export function readDiscovery(file: string): ReadResult {
  let text: string;
  let fd: number;
  try {
    // O_NOFOLLOW: a symlink at the path is refused (ELOOP), not read through.
    fd = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'none' };
    if (code === 'ELOOP') return { kind: 'untrusted', message: `${file} is a symbolic link; the daemon never writes one.` };
    return { kind: 'unreadable', message: (error as Error).message };
  }
  try {
    const untrusted = whyUntrusted(fstatSync(fd), file);
    if (untrusted) return { kind: 'untrusted', message: untrusted };
    text = readFileSync(fd, 'utf8');
  } catch (error) {
    return { kind: 'unreadable', message: (error as Error).message };
  } finally {
    closeSync(fd);
  }
  try {
    const value = JSON.parse(text) as Partial<DaemonDiscovery>;
    if (typeof value.port === 'number' && typeof value.pid === 'number' && typeof value.token === 'string') {
      return { kind: 'found', discovery: value as DaemonDiscovery };
    }
  } catch {
    // fall through: a torn or foreign file is treated as stale
  }
  return { kind: 'unreadable', message: `${file} is not a Tandem discovery file.` };
}

/** Why a file with these attributes is not to be trusted, or null. (Windows has no owners or modes to check.) */
export function whyUntrusted(info: { isFile(): boolean; uid: number; mode: number }, file: string): string | null {
  if (!info.isFile()) return `${file} is not a regular file; the daemon writes only regular files.`;
  if (process.platform === 'win32' || typeof process.getuid !== 'function') return null;
  if (info.uid !== process.getuid()) return `${file} belongs to another user (uid ${info.uid}); only a file of your own is trusted.`;
  if ((info.mode & 0o077) !== 0) return `${file} is readable by other users (mode ${(info.mode & 0o777).toString(8)}); it must be 0600.`;
  return null;
}

/** Writes the file if none exists. Returns false when another daemon's file is already there. */
export function claimDiscovery(file: string, discovery: DaemonDiscovery): boolean {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // A name nobody can guess, created exclusively: 'wx' fails on anything already there, a symlink included.
  const temp = `${file}.${randomBytes(12).toString('hex')}.tmp`;
  writeFileSync(temp, JSON.stringify(discovery, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw error;
    renameSync(temp, file); // file systems without hard links: atomic, though not exclusive
    return true;
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Removes the file if it is still the one this process wrote. */
export function releaseDiscovery(file: string, pid = process.pid): void {
  const current = readDiscovery(file);
  if (current.kind === 'found' && current.discovery.pid === pid) rmSync(file, { force: true });
}

export function removeStaleDiscovery(file: string): void {
  rmSync(file, { force: true });
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

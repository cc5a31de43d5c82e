// The discovery file tells clients where the daemon listens and which token to present.
// It is created exclusively (link of a 0600 temp file), so two daemons starting at once cannot both
// claim it, and removed on exit only by the daemon that wrote it.
import { chmodSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface DaemonDiscovery {
  port: number;
  pid: number;
  token: string;
  version: string;
  startedAt: string;
}

export type ReadResult = { kind: 'none' } | { kind: 'unreadable'; message: string } | { kind: 'found'; discovery: DaemonDiscovery };

export function readDiscovery(file: string): ReadResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    return { kind: 'unreadable', message: (error as Error).message };
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

/** Writes the file if none exists. Returns false when another daemon's file is already there. */
export function claimDiscovery(file: string, discovery: DaemonDiscovery): boolean {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(discovery, null, 2) + '\n', { mode: 0o600, flag: 'w' });
  chmodSync(temp, 0o600); // in case an old temp file of ours was there with other bits
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

// The daemon's discovery file: where it listens and the token a client must present.
import { readFile, stat } from 'node:fs/promises';
import { tandemPaths } from '../../../daemon/src/paths.js';

export interface Discovery {
  port: number;
  pid: number;
  token: string;
}

export type DiscoveryResult =
  | { kind: 'found'; discovery: Discovery; path: string }
  | { kind: 'missing'; path: string }
  | { kind: 'invalid'; path: string; message: string };

export function discoveryPath(env: NodeJS.ProcessEnv = process.env): string {
  return tandemPaths(env).discovery;
}

export async function readDiscovery(path = discoveryPath()): Promise<DiscoveryResult> {
  let text: string;
  try {
    const info = await stat(path);
    // The token grants control of the agent: refuse a file other users could have read or written.
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      return { kind: 'invalid', path, message: `${path} is readable by other users (mode ${(info.mode & 0o777).toString(8)}); it must be 0600.` };
    }
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing', path };
    return { kind: 'invalid', path, message: `Cannot read ${path}: ${(error as Error).message}` };
  }
  try {
    const value = JSON.parse(text) as Partial<Discovery>;
    if (typeof value.port !== 'number' || typeof value.pid !== 'number' || typeof value.token !== 'string') {
      return { kind: 'invalid', path, message: `${path} lacks port, pid or token.` };
    }
    return { kind: 'found', path, discovery: { port: value.port, pid: value.pid, token: value.token } };
  } catch {
    return { kind: 'invalid', path, message: `${path} is not JSON (the daemon may still be writing it).` };
  }
}

/** A discovery file left by a daemon that died names a pid that no longer runs. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

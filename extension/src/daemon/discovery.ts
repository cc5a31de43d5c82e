// The daemon's discovery file, read the daemon's way (daemon/src/server/discovery-file.ts), plus the
// one check a client adds: a file others could read is refused, since its token controls the agent.
import { stat } from 'node:fs/promises';
import { tandemPaths } from '../../../daemon/src/paths.js';
import { readDiscovery as readDiscoveryFile, type DaemonDiscovery } from '../../../daemon/src/server/discovery-file.js';

export { isProcessAlive } from '../../../daemon/src/server/discovery-file.js';

export type DiscoveryResult =
  | { kind: 'found'; discovery: DaemonDiscovery; path: string }
  | { kind: 'missing'; path: string }
  | { kind: 'invalid'; path: string; message: string };

export function discoveryPath(env: NodeJS.ProcessEnv = process.env): string {
  return tandemPaths(env).discovery;
}

export async function readDiscovery(path = discoveryPath()): Promise<DiscoveryResult> {
  try {
    const info = await stat(path);
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      return { kind: 'invalid', path, message: `${path} is readable by other users (mode ${(info.mode & 0o777).toString(8)}); it must be 0600.` };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing', path };
    return { kind: 'invalid', path, message: `Cannot read ${path}: ${(error as Error).message}` };
  }
  const read = readDiscoveryFile(path);
  if (read.kind === 'none') return { kind: 'missing', path }; // removed since the stat
  if (read.kind === 'unreadable') return { kind: 'invalid', path, message: `${read.message} (the daemon may still be writing it)` };
  return { kind: 'found', path, discovery: read.discovery };
}

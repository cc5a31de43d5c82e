// The daemon's discovery file, read the daemon's way (daemon/src/server/discovery-file.ts): only a
// regular file of this user that nobody else can read is trusted, since its token controls the agent
// and its port is where the task text goes.
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
  const read = readDiscoveryFile(path);
  if (read.kind === 'none') return { kind: 'missing', path };
  if (read.kind === 'untrusted') return { kind: 'invalid', path, message: read.message };
  if (read.kind === 'unreadable') {
    const torn = read.message.includes('is not a Tandem discovery file');
    return { kind: 'invalid', path, message: torn ? `${read.message} (the daemon may still be writing it)` : `Cannot read ${path}: ${read.message}` };
  }
  return { kind: 'found', path, discovery: read.discovery };
}

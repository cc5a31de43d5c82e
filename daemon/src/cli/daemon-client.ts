// The CLI as a client of the running daemon: find it through the discovery file and connect with
// the shared client (client/daemon-client.ts). Commands reach it through openTandemClient (tandem-client.ts).
import { DaemonClient } from '../client/daemon-client.js';
import { tandemPaths, type TandemPaths } from '../paths.js';
import { readDiscovery } from '../server/discovery-file.js';

export { DaemonClient };

export interface ConnectOptions {
  paths?: TandemPaths;
  timeoutMs?: number;
}

/** The running daemon as a client, or null when there is none (no discovery file, or nobody listening). */
export async function connectToDaemon(options: ConnectOptions = {}): Promise<DaemonClient | null> {
  const read = readDiscovery((options.paths ?? tandemPaths()).discovery);
  if (read.kind === 'untrusted') console.error(`Not connecting to the daemon it names: ${read.message}`);
  if (read.kind !== 'found') return null;
  return DaemonClient.connect(read.discovery, options.timeoutMs ?? 3000).catch(() => null);
}

/** Runs `remote` against the daemon when one is running, else `local` in this process. */
export async function withDaemonOrInProcess<T>(remote: (client: DaemonClient) => Promise<T>, local: () => Promise<T>, options: ConnectOptions = {}): Promise<T> {
  const client = await connectToDaemon(options);
  if (!client) return local();
  try {
    return await remote(client);
  } finally {
    client.close();
  }
}

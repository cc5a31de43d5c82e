// The daemon's life: one instance per user, listen on loopback, publish the discovery file,
// serve clients, and on SIGTERM (or a shutdown request) stop cleanly.
import { randomBytes } from 'node:crypto';
import { ResponseError } from 'vscode-jsonrpc';
import type { TandemPaths } from '../paths.js';
import { connectToDaemon } from '../cli/daemon-client.js';
import { Status } from '../protocol/messages.js';
import { startClientSession } from './client-session.js';
import { createDaemonLog, type DaemonLog } from './daemon-log.js';
import { claimDiscovery, isProcessAlive, readDiscovery, releaseDiscovery, removeStaleDiscovery, type DaemonDiscovery } from './discovery-file.js';
import type { Services, ServicesFactory } from './services.js';
import { TaskEventHub } from './task-event-hub.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from './websocket-messages.js';
import { listen } from './websocket-server.js';

export interface DaemonOptions {
  paths: TandemPaths;
  createServices: ServicesFactory;
  version: string;
  port?: number;
  maxMessageBytes?: number;
  log?: DaemonLog;
  /** Where "already running" is told; stdout by default. */
  say?: (line: string) => void;
}

/** Runs until stopped; resolves with the process exit code. */
export async function runDaemon(options: DaemonOptions): Promise<number> {
  const { paths } = options;
  const log = options.log ?? createDaemonLog({ dir: paths.logs });
  const say = options.say ?? ((line: string) => console.log(line));
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;

  const running = await findRunningDaemon(paths);
  if (running) {
    say(`A Tandem daemon is already running (pid ${running.pid}, port ${running.port}).`);
    return 0;
  }

  const hub = new TaskEventHub();
  let services: Services | null = null;
  let ready!: () => void;
  const servicesReady = new Promise<void>((resolve) => { ready = resolve; });
  let stopping: Promise<number> | null = null;
  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => { resolveExit = resolve; });
  const stop = (why: string) => (stopping ??= shutdown(why));

  const token = randomBytes(32).toString('hex');
  const server = await listen({
    token,
    port: options.port,
    maxPayloadBytes: maxMessageBytes * 4, // beyond this ws closes the socket (1009) instead of reading on
    log: (line) => log.warn(line),
    onClient: (socket) => {
      socket.pause(); // hold its messages until the services are up
      void servicesReady.then(() => {
        startClientSession(socket, { services: services!, hub, log, maxMessageBytes, requestShutdown: () => void stop('shutdown request') });
        socket.resume();
      });
    },
  });
  const discovery: DaemonDiscovery = { port: server.port, pid: process.pid, token, version: options.version, startedAt: new Date().toISOString() };
  if (!claimDiscovery(paths.discovery, discovery)) {
    // Another daemon claimed the file between our check and now: it wins.
    server.stopAccepting();
    const winner = readDiscovery(paths.discovery);
    say(`A Tandem daemon is already running${winner.kind === 'found' ? ` (pid ${winner.discovery.pid}, port ${winner.discovery.port})` : ''}.`);
    return 0;
  }

  try {
    services = await options.createServices({ paths, events: hub, log });
    const interrupted = await services.markInterruptedTasks();
    if (interrupted.length) log.warn(`marked ${interrupted.length} task(s) left running as interrupted: ${interrupted.join(', ')}`);
  } catch (error) {
    log.error(`could not start the services: ${error instanceof Error ? error.stack : String(error)}`);
    server.stopAccepting();
    server.closeClients('daemon failed to start');
    releaseDiscovery(paths.discovery);
    return 1;
  }
  ready();
  log.info(`Tandem daemon ${options.version} listening on 127.0.0.1:${server.port} (pid ${process.pid}); discovery file ${paths.discovery}`);

  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  return exited;

  async function shutdown(why: string): Promise<number> {
    log.info(`stopping (${why}): no new connections; waiting for the current step to be written`);
    server.stopAccepting();
    let code = 0;
    try {
      await services?.shutdown();
    } catch (error) {
      log.error(`services did not shut down cleanly: ${(error as Error).message}`);
      code = 1;
    }
    server.closeClients('daemon stopping');
    releaseDiscovery(paths.discovery);
    log.info('stopped');
    resolveExit(code);
    return code;
  }
}

/** The live daemon named by the discovery file, or null; a file left by a dead daemon is removed. */
export async function findRunningDaemon(paths: TandemPaths): Promise<DaemonDiscovery | null> {
  const read = readDiscovery(paths.discovery);
  if (read.kind === 'none') return null;
  if (read.kind === 'found' && isProcessAlive(read.discovery.pid)) {
    // The pid may have been reused by another program: only a daemon that answers counts.
    const client = await connectToDaemon({ paths, timeoutMs: 3000 });
    if (client) {
      try {
        await client.request(Status);
        return read.discovery;
      } catch (error) {
        if (error instanceof ResponseError) return read.discovery; // it answered, if only with an error
      } finally {
        client.close();
      }
    }
  }
  // A dead daemon's file, or one this user must not trust: either way not a daemon of ours.
  try { removeStaleDiscovery(paths.discovery); } catch { /* another user's file we may not remove: claiming will say so */ }
  return null;
}

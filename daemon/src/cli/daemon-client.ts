// The CLI as a client of the running daemon: find it through the discovery file, connect with its
// token, and send typed requests. Commands reach it through openTandemClient (tandem-client.ts).
import { CancellationTokenSource, createMessageConnection, type MessageConnection } from 'vscode-jsonrpc';
import { WebSocket } from 'ws';
import { tandemPaths, type TandemPaths } from '../paths.js';
import type { TaskEvent } from '../protocol/events.js';
import { ProgressNotification, TaskEventNotification, type Request, type ResultOf } from '../protocol/messages.js';
import type { ProgressEvent } from '../protocol/types.js';
import { readDiscovery, type DaemonDiscovery } from '../server/discovery-file.js';
import { PROTOCOL_NAME } from '../server/upgrade-check.js';
import { WebSocketMessageReader, WebSocketMessageWriter } from '../server/websocket-messages.js';
import type { RequestArgs, TandemClient } from './tandem-client.js';

export class DaemonClient implements TandemClient {
  readonly mode = 'daemon';
  constructor(readonly discovery: DaemonDiscovery, private readonly connection: MessageConnection, private readonly socket: WebSocket) {}

  async request<T extends Request<string, any, any>>(type: T, ...[params, signal]: RequestArgs<T>): Promise<ResultOf<T>> {
    if (!signal) return this.connection.sendRequest(type, params) as Promise<ResultOf<T>>;
    // An aborted signal sends $/cancelRequest; the daemon stops the work and answers with an error.
    const cancel = new CancellationTokenSource();
    const onAbort = () => cancel.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await (this.connection.sendRequest(type, params, cancel.token) as Promise<ResultOf<T>>);
    } finally {
      signal.removeEventListener('abort', onAbort);
      cancel.dispose();
    }
  }

  onTaskEvent(listener: (event: TaskEvent) => void): void {
    this.connection.onNotification(TaskEventNotification, listener);
  }

  onProgress(listener: (event: ProgressEvent) => void): void {
    this.connection.onNotification(ProgressNotification, listener);
  }

  /** Resolves when the daemon goes away (it stopped, or the socket broke). */
  closed(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.readyState === WebSocket.CLOSED) resolve();
      else this.socket.once('close', () => resolve());
    });
  }

  close(): void {
    this.connection.dispose();
    this.socket.close(1000, 'client done');
  }
}

export interface ConnectOptions {
  paths?: TandemPaths;
  timeoutMs?: number;
}

/** The running daemon as a client, or null when there is none (no discovery file, or nobody listening). */
export async function connectToDaemon(options: ConnectOptions = {}): Promise<DaemonClient | null> {
  const read = readDiscovery((options.paths ?? tandemPaths()).discovery);
  if (read.kind === 'untrusted') console.error(`Not connecting to the daemon it names: ${read.message}`);
  if (read.kind !== 'found') return null;
  const socket = await openSocket(read.discovery, options.timeoutMs ?? 3000);
  if (!socket) return null;
  const connection = createMessageConnection(new WebSocketMessageReader(socket), new WebSocketMessageWriter(socket));
  connection.listen();
  return new DaemonClient(read.discovery, connection, socket);
}

function openSocket(discovery: DaemonDiscovery, timeoutMs: number): Promise<WebSocket | null> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${discovery.port}`, [PROTOCOL_NAME], {
      headers: { Authorization: `Bearer ${discovery.token}` },
      handshakeTimeout: timeoutMs,
      perMessageDeflate: false,
    });
    socket.once('open', () => resolve(socket));
    socket.once('error', () => resolve(null));
    socket.once('unexpected-response', (_request, response) => {
      response.resume();
      socket.terminate();
      resolve(null);
    });
  });
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

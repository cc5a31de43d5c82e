// One live JSON-RPC connection to the running daemon, the one client class the CLI and the VS Code
// extension share: the daemon's own WebSocket framing (one message per text frame), the token on
// connect, typed requests that an AbortSignal cancels, and task/progress events to any number of
// listeners. Plain JavaScript only (vscode-jsonrpc, ws): the extension loads this, so no native module
// may ever be imported from here. Finding the daemon (discovery file, launch, reconnect) is the caller's.
import { CancellationTokenSource, createMessageConnection, type MessageConnection } from 'vscode-jsonrpc/node.js';
import WebSocket from 'ws';
import { AdaptersChangedNotification, type AdaptersChanged } from '../protocol/adapter-evaluation.js';
import type { TaskEvent } from '../protocol/events.js';
import { ProgressNotification, TaskEventNotification, type ParamsOf, type Request, type ResultOf } from '../protocol/messages.js';
import type { ProgressEvent } from '../protocol/types.js';
import type { DaemonDiscovery } from '../server/discovery-file.js';
import { PROTOCOL_NAME } from '../server/upgrade-check.js';
import { WebSocketMessageReader, WebSocketMessageWriter } from '../server/websocket-messages.js';

/** What a client needs from the discovery file to connect. */
export type DaemonAddress = Pick<DaemonDiscovery, 'port' | 'pid' | 'token'>;

/** A request's params (none for a parameterless request), and a signal that cancels it. */
export type RequestArgs<T> = ParamsOf<T> extends void ? [params?: undefined, signal?: AbortSignal] : [params: ParamsOf<T>, signal?: AbortSignal];

/** How the token is presented on connect. Kept in one place so the scheme is a one-line change. */
export function authHeaders(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

type Listener<T> = (value: T) => void;
type AnyRequest = Request<string, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export class DaemonClient {
  readonly mode = 'daemon';
  private readonly taskListeners = new Set<Listener<TaskEvent>>();
  private readonly progressListeners = new Set<Listener<ProgressEvent>>();
  private readonly closeListeners = new Set<Listener<void>>();
  private readonly adapterListeners = new Set<Listener<AdaptersChanged>>();
  private closedValue = false;

  private constructor(private readonly connection: MessageConnection, private readonly socket: WebSocket, readonly address: DaemonAddress) {
    // Handlers and requests go by method name: a declaration bundled into another module (a test
    // suite, the panel host) carries its own copy of vscode-jsonrpc's classes, which must not matter.
    connection.onNotification(TaskEventNotification.method, (event: TaskEvent) => this.taskListeners.forEach((l) => l(event)));
    connection.onNotification(ProgressNotification.method, (event: ProgressEvent) => this.progressListeners.forEach((l) => l(event)));
    connection.onNotification(AdaptersChangedNotification.method, (change: AdaptersChanged) => this.adapterListeners.forEach((l) => l(change)));
    connection.onClose(() => this.markClosed());
    socket.on('close', () => this.markClosed());
    connection.listen();
  }

  /** Connects with the address's token; rejects with a message that says why it could not. */
  static connect(address: DaemonAddress, timeoutMs = 10_000): Promise<DaemonClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${address.port}`, [PROTOCOL_NAME], {
        headers: authHeaders(address.token), handshakeTimeout: timeoutMs, perMessageDeflate: false,
      });
      socket.once('open', () => {
        const connection = createMessageConnection(new WebSocketMessageReader(socket), new WebSocketMessageWriter(socket));
        resolve(new DaemonClient(connection, socket, address));
      });
      socket.once('unexpected-response', (_request, response) => {
        const hint = response.statusCode === 401 ? ' (the token was refused)' : response.statusCode === 403 ? ' (the connection was refused)' : '';
        reject(new Error(`The daemon on port ${address.port} answered HTTP ${response.statusCode}${hint}.`));
        response.resume();
        socket.terminate();
      });
      socket.once('error', (error) => reject(new Error(`Cannot reach the daemon on 127.0.0.1:${address.port}: ${error.message}`)));
    });
  }

  get pid(): number {
    return this.address.pid;
  }

  get isClosed(): boolean {
    return this.closedValue;
  }

  /** Rejects with a ResponseError (its message is for the user) when the daemon refuses. */
  request<T extends AnyRequest>(type: T, ...[params, signal]: RequestArgs<T>): Promise<ResultOf<T>> {
    return this.requestByName(type.method, params, signal) as Promise<ResultOf<T>>;
  }

  /** For messages the panel forwards by name: one generic path, no list of methods to keep in step. */
  async requestByName(method: string, params: unknown, signal?: AbortSignal): Promise<unknown> {
    const send = (...token: [] | [CancellationTokenSource['token']]) =>
      params === undefined ? this.connection.sendRequest(method, ...token) : this.connection.sendRequest(method, params, ...token);
    if (!signal) return send();
    // An aborted signal sends $/cancelRequest; the daemon stops the work and answers with an error.
    const cancel = new CancellationTokenSource();
    const onAbort = () => cancel.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await send(cancel.token);
    } finally {
      signal.removeEventListener('abort', onAbort);
      cancel.dispose();
    }
  }

  /** Events of the tasks this client subscribed to (TaskSubscribe); returns how to stop listening. */
  onTaskEvent(listener: Listener<TaskEvent>): () => void {
    this.taskListeners.add(listener);
    return () => this.taskListeners.delete(listener);
  }

  /** Progress of this client's own requests (an export, a scan). */
  onProgress(listener: Listener<ProgressEvent>): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  /** A role's adapters changed (registered, activated, removed, evaluated), by any client. */
  onAdaptersChanged(listener: Listener<AdaptersChanged>): () => void {
    this.adapterListeners.add(listener);
    return () => this.adapterListeners.delete(listener);
  }

  onClose(listener: Listener<void>): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Resolves when the daemon goes away (it stopped, or the socket broke) or the client is closed. */
  closed(): Promise<void> {
    return new Promise((resolve) => {
      if (this.closedValue) resolve();
      else this.onClose(resolve);
    });
  }

  close(): void {
    this.connection.dispose();
    this.socket.close(1000, 'client done');
    this.markClosed();
  }

  private markClosed(): void {
    if (this.closedValue) return;
    this.closedValue = true;
    this.closeListeners.forEach((l) => l());
  }
}

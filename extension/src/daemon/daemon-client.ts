// One live JSON-RPC connection to the daemon: vscode-languageclient's message connection over the
// daemon's own WebSocket framing (one message per text frame), typed by the shared protocol.
// createMessageConnection is taken from vscode-jsonrpc, the package vscode-languageclient/node
// re-exports it from: that entry point require()s 'vscode' at load, which would keep this client
// out of plain-Node tests, and it would triple the extension bundle for one function.
// No VS Code here: the connection manager above decides when to attach, start or reconnect.
import { createMessageConnection, type MessageConnection } from 'vscode-jsonrpc/node.js';
import WebSocket from 'ws';
import type { TaskEvent } from '../../../daemon/src/protocol/events.js';
import { ProgressNotification, TaskEventNotification, type ParamsOf, type Request, type ResultOf } from '../../../daemon/src/protocol/messages.js';
import type { ProgressEvent } from '../../../daemon/src/protocol/types.js';
import type { DaemonDiscovery } from '../../../daemon/src/server/discovery-file.js';
import { PROTOCOL_NAME } from '../../../daemon/src/server/upgrade-check.js';
import { WebSocketMessageReader, WebSocketMessageWriter } from '../../../daemon/src/server/websocket-messages.js';

/** What a client needs from the discovery file to connect. */
export type DaemonAddress = Pick<DaemonDiscovery, 'port' | 'pid' | 'token'>;

/** How the token is presented on connect. Kept in one place so the scheme is a one-line change. */
export function authHeaders(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

type Listener<T> = (value: T) => void;
type AnyRequest = Request<string, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export class DaemonClient {
  private readonly taskListeners = new Set<Listener<TaskEvent>>();
  private readonly progressListeners = new Set<Listener<ProgressEvent>>();
  private readonly closeListeners = new Set<Listener<void>>();
  private closed = false;

  private constructor(private readonly connection: MessageConnection, private readonly socket: WebSocket, readonly pid: number) {
    // Handlers and requests go by method name: a declaration bundled into another module (a test
    // suite, the panel host) carries its own copy of vscode-jsonrpc's classes, which must not matter.
    connection.onNotification(TaskEventNotification.method, (event: TaskEvent) => this.taskListeners.forEach((l) => l(event)));
    connection.onNotification(ProgressNotification.method, (event: ProgressEvent) => this.progressListeners.forEach((l) => l(event)));
    connection.onClose(() => this.markClosed());
    socket.on('close', () => this.markClosed());
    connection.listen();
  }

  static connect(address: DaemonAddress, timeoutMs = 10_000): Promise<DaemonClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${address.port}`, [PROTOCOL_NAME], {
        headers: authHeaders(address.token), handshakeTimeout: timeoutMs, perMessageDeflate: false,
      });
      socket.once('open', () => {
        const connection = createMessageConnection(new WebSocketMessageReader(socket), new WebSocketMessageWriter(socket));
        resolve(new DaemonClient(connection, socket, address.pid));
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

  get isClosed(): boolean {
    return this.closed;
  }

  request<T extends AnyRequest>(type: T, ...params: ParamsOf<T> extends void ? [] : [ParamsOf<T>]): Promise<ResultOf<T>> {
    return this.requestByName(type.method, params[0]) as Promise<ResultOf<T>>;
  }

  /** For messages the panel forwards by name: one generic path, no list of methods to keep in step. */
  requestByName(method: string, params: unknown): Promise<unknown> {
    return params === undefined ? this.connection.sendRequest(method) : this.connection.sendRequest(method, params);
  }

  onTaskEvent(listener: Listener<TaskEvent>): () => void {
    this.taskListeners.add(listener);
    return () => this.taskListeners.delete(listener);
  }

  onProgress(listener: Listener<ProgressEvent>): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  onClose(listener: Listener<void>): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  dispose(): void {
    this.connection.dispose();
    this.socket.close();
    this.markClosed();
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.closeListeners.forEach((l) => l());
  }
}

// One live JSON-RPC connection to the daemon, typed by the shared protocol. No VS Code here:
// the connection manager above decides when to attach, start or reconnect.
import { createMessageConnection, type MessageConnection } from 'vscode-jsonrpc/node.js';
import WebSocket from 'ws';
import type { TaskEvent } from '../../../daemon/src/protocol/events.js';
import { ProgressNotification, TaskEventNotification, type Request } from '../../../daemon/src/protocol/messages.js';
import type { ProgressEvent } from '../../../daemon/src/protocol/types.js';
import type { Discovery } from './discovery.js';
import { WebSocketMessageReader, WebSocketMessageWriter } from './websocket-transport.js';

/** How the token is presented on connect. Kept in one place so the scheme is a one-line change. */
export function authHeaders(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

type Listener<T> = (value: T) => void;

export class DaemonClient {
  private readonly taskListeners = new Set<Listener<TaskEvent>>();
  private readonly progressListeners = new Set<Listener<ProgressEvent>>();
  private readonly closeListeners = new Set<Listener<void>>();
  private closed = false;

  private constructor(private readonly connection: MessageConnection, private readonly socket: WebSocket, readonly pid: number) {
    connection.onNotification(TaskEventNotification, (event) => this.taskListeners.forEach((l) => l(event)));
    connection.onNotification(ProgressNotification, (event) => this.progressListeners.forEach((l) => l(event)));
    connection.onClose(() => this.markClosed());
    socket.on('close', () => this.markClosed());
    connection.listen();
  }

  static connect(discovery: Discovery, timeoutMs = 10_000): Promise<DaemonClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${discovery.port}`, { headers: authHeaders(discovery.token), handshakeTimeout: timeoutMs });
      socket.once('open', () => {
        const connection = createMessageConnection(new WebSocketMessageReader(socket), new WebSocketMessageWriter(socket));
        resolve(new DaemonClient(connection, socket, discovery.pid));
      });
      socket.once('unexpected-response', (_request, response) => {
        const hint = response.statusCode === 401 || response.statusCode === 403 ? ' (the token was refused)' : '';
        reject(new Error(`The daemon on port ${discovery.port} answered HTTP ${response.statusCode}${hint}.`));
        socket.terminate();
      });
      socket.once('error', (error) => reject(new Error(`Cannot reach the daemon on 127.0.0.1:${discovery.port}: ${error.message}`)));
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  request<M extends string, P, R>(type: Request<M, P, R>, ...params: P extends void ? [] : [P]): Promise<R> {
    return params.length ? this.connection.sendRequest(type, params[0] as P) : this.connection.sendRequest(type as never);
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

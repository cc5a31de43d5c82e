// The daemon's listening socket: HTTP on loopback, upgraded to WebSocket only for clients that pass
// the checks in upgrade-check.ts. Each accepted socket is handed to `onClient`.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { checkUpgrade, PROTOCOL_NAME } from './upgrade-check.js';

export interface WebSocketServerOptions {
  token: string;
  port?: number;
  /** ws closes the connection (code 1009) on frames above this; smaller oversize frames get a JSON-RPC error. */
  maxPayloadBytes: number;
  maxClients?: number;
  onClient(socket: WebSocket): void;
  log(line: string): void;
}

export interface ListeningServer {
  readonly port: number;
  /** Stop accepting connections; open ones stay until closeClients. */
  stopAccepting(): void;
  closeClients(reason: string): void;
}

export async function listen(options: WebSocketServerOptions): Promise<ListeningServer> {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayloadBytes,
    perMessageDeflate: false, // loopback: compression only costs CPU
    handleProtocols: (protocols) => (protocols.has(PROTOCOL_NAME) ? PROTOCOL_NAME : false),
  });
  const http: Server = createServer((_request, response) => {
    response.writeHead(426, { 'Content-Type': 'text/plain' }).end('The Tandem daemon speaks JSON-RPC over WebSocket only.\n');
  });
  let port = 0;
  let accepting = true;
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const verdict = accepting ? checkUpgrade(request, options.token, port) : { ok: false as const, status: 403 as const, reason: 'The daemon is shutting down.' };
    if (!verdict.ok) {
      options.log(`refused connection: ${verdict.reason}`);
      refuse(socket, verdict.status, verdict.reason);
      return;
    }
    if (wss.clients.size >= (options.maxClients ?? 64)) {
      refuse(socket, 403, 'Too many clients are connected to the daemon.');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => options.onClient(ws));
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (http.address() as AddressInfo).port;
  return {
    port,
    stopAccepting: () => {
      accepting = false;
      http.close(); // its callback would wait for upgraded sockets too, so don't
    },
    closeClients: (reason) => {
      for (const client of wss.clients) client.close(1001, reason);
      http.closeAllConnections();
    },
  };
}

function refuse(socket: Duplex, status: 401 | 403, reason: string): void {
  const title = status === 401 ? 'Unauthorized' : 'Forbidden';
  const body = `${reason}\n`;
  socket.end(`HTTP/1.1 ${status} ${title}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

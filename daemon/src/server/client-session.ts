// One connected client: its JSON-RPC connection over the socket, bound to the protocol handlers,
// and its subscriptions, which end when it disconnects.
import { randomUUID } from 'node:crypto';
import { createMessageConnection, type Logger } from 'vscode-jsonrpc';
import type { WebSocket } from 'ws';
import { bindProtocol, type ProtocolServices } from '../server.js';
import type { DaemonLog } from './daemon-log.js';
import type { TaskEventHub } from './task-event-hub.js';
import { WebSocketMessageReader, WebSocketMessageWriter } from './websocket-messages.js';

export interface SessionContext {
  services: ProtocolServices;
  hub: TaskEventHub;
  log: DaemonLog;
  maxMessageBytes: number;
  requestShutdown(): void;
}

export function startClientSession(socket: WebSocket, context: SessionContext): string {
  const clientId = randomUUID();
  const logger: Logger = {
    error: (message) => context.log.warn(`client ${clientId}: ${message}`),
    warn: (message) => context.log.warn(`client ${clientId}: ${message}`),
    info: () => undefined,
    log: () => undefined,
  };
  const reader = new WebSocketMessageReader(socket, { maxMessageBytes: context.maxMessageBytes, answerBadFrames: true });
  const connection = createMessageConnection(reader, new WebSocketMessageWriter(socket), logger);
  bindProtocol(connection, context.services, {
    clientId, hub: context.hub, requestShutdown: context.requestShutdown, log: (line) => context.log.error(line),
  });
  socket.on('close', (code, reason) => {
    context.hub.detach(clientId);
    connection.dispose();
    context.log.info(`client ${clientId} left (${code}${reason.length ? ` ${reason.toString()}` : ''})`);
  });
  connection.listen();
  context.log.info(`client ${clientId} connected`);
  return clientId;
}

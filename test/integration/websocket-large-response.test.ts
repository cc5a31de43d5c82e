// A response over the frame limit (a task whose diff holds a 9 MB one-line file) must fail the
// request that asked for it, with an error a user can act on, not leave it pending forever.
// Real ws sockets and vscode-jsonrpc connections on 127.0.0.1, as the CLI and extension use them.
import assert from 'node:assert/strict';
import { createMessageConnection, RequestType, ResponseError, type MessageConnection } from 'vscode-jsonrpc';
import { WebSocket, WebSocketServer } from 'ws';
import { ErrorCodes } from '../../daemon/src/protocol/errors.js';
import { WebSocketMessageReader, WebSocketMessageWriter } from '../../daemon/src/server/websocket-messages.js';

const Big = new RequestType<{ bytes: number }, string, void>('test/big');
const LIMIT = 64 * 1024;

describe('websocket messages: a response over the limit', () => {
  let server: WebSocketServer;
  let client: MessageConnection;
  let socket: WebSocket;

  before(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.on('connection', (peer) => {
      const connection = createMessageConnection(new WebSocketMessageReader(peer, { answerBadFrames: true }), new WebSocketMessageWriter(peer));
      connection.onRequest(Big, ({ bytes }) => 'x'.repeat(bytes));
      connection.listen();
    });
    await new Promise<void>((done) => server.once('listening', () => done()));
    socket = new WebSocket(`ws://127.0.0.1:${(server.address() as { port: number }).port}`);
    await new Promise<void>((done) => socket.once('open', () => done()));
    client = createMessageConnection(new WebSocketMessageReader(socket, { maxMessageBytes: LIMIT }), new WebSocketMessageWriter(socket));
    client.listen();
  });
  after(() => { client?.dispose(); socket?.close(); server?.close(); });

  it('fails the request with MessageTooLarge, and the connection keeps working', async () => {
    await assert.rejects(client.sendRequest(Big, { bytes: LIMIT * 2 }), (error: unknown) => {
      assert.ok(error instanceof ResponseError, String(error));
      assert.equal(error.code, ErrorCodes.MessageTooLarge);
      assert.match(error.message, /answer of \d+ bytes is over the limit of 65536 bytes/);
      return true;
    });
    assert.equal(await client.sendRequest(Big, { bytes: 10 }), 'xxxxxxxxxx');
  });
});

// The client against the daemon's own listening socket on 127.0.0.1 (its upgrade checks: token,
// subprotocol, Host, no Origin), answered frame by frame by the test instead of the services.
import { strict as assert } from 'node:assert';
import type { WebSocket } from 'ws';
import { DaemonClient } from '../../../daemon/src/client/daemon-client.js';
import { freePort } from '../../e2e/harness/code-server.js';
import { listen, type ListeningServer } from '../../../daemon/src/server/websocket-server.js';
import type { TaskEvent } from '../../../daemon/src/protocol/events.js';
import { TaskEventNotification, TaskStart } from '../../../daemon/src/protocol/messages.js';

const TOKEN = 'test-token-123';

describe('DaemonClient (the CLI\'s and the extension\'s) over a WebSocket', () => {
  let server: ListeningServer;
  let port: number;
  let sockets: WebSocket[];
  let received: unknown[];

  beforeEach(async () => {
    sockets = [];
    received = [];
    server = await listen({ token: TOKEN, maxPayloadBytes: 1 << 20, log: () => {}, onClient: (socket) => {
      sockets.push(socket);
      socket.on('message', (data) => {
        const message = JSON.parse(data.toString()) as { id: number; method: string; params: { prompt: string; repoPath: string } };
        received.push(message);
        if (message.method === TaskStart.method && message.params.prompt === 'hang') {
          return; // answered only by a cancellation
        } else if (message.method === '$/cancelRequest') {
          const id = (message.params as unknown as { id: number }).id;
          socket.send(JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32800, message: 'cancelled by the client' } }));
        } else if (message.method === TaskStart.method) {
          const event: TaskEvent = { type: 'task.state', taskId: 't1', state: 'running', stopReason: null };
          socket.send(JSON.stringify({ jsonrpc: '2.0', method: TaskEventNotification.method, params: event }));
          socket.send(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: { id: 't1', prompt: message.params.prompt, state: 'queued' } }));
        } else {
          socket.send(JSON.stringify({ jsonrpc: '2.0', id: message.id, error: { code: -32003, message: `no such task` } }));
        }
      });
    } });
    port = server.port;
  });

  afterEach(() => {
    server.stopAccepting();
    server.closeClients('test done');
  });

  it('presents the token, sends typed requests and receives task events as they come', async () => {
    const client = await DaemonClient.connect({ port, pid: process.pid, token: TOKEN });
    const events: TaskEvent[] = [];
    client.onTaskEvent((e) => events.push(e));
    const task = await client.request(TaskStart, { repoPath: '/repo', prompt: 'add a test' });
    assert.equal(task.id, 't1');
    assert.equal(task.prompt, 'add a test');
    assert.deepEqual(events, [{ type: 'task.state', taskId: 't1', state: 'running', stopReason: null }]);
    assert.equal((received[0] as { method: string }).method, 'tandem/task/start');
    client.close();
  });

  it('turns a JSON-RPC error into a rejected promise with the daemon\'s message', async () => {
    const client = await DaemonClient.connect({ port, pid: process.pid, token: TOKEN });
    await assert.rejects(client.requestByName('tandem/task/get', { taskId: 'nope' }), /no such task/);
    client.close();
  });

  it('fails with a clear message when the token is refused', async () => {
    await assert.rejects(DaemonClient.connect({ port, pid: process.pid, token: 'wrong' }), /HTTP 401 \(the token was refused\)/);
  });

  it('fails with a clear message when nothing listens', async () => {
    const nobody = await freePort();
    await assert.rejects(DaemonClient.connect({ port: nobody, pid: process.pid, token: TOKEN }), /Cannot reach the daemon on 127\.0\.0\.1/);
  });

  it('reports when the daemon goes away, so the connection can reconnect', async () => {
    const client = await DaemonClient.connect({ port, pid: process.pid, token: TOKEN });
    const closed = new Promise<void>((resolve) => client.onClose(resolve));
    sockets[0]!.close();
    await closed;
    assert.equal(client.isClosed, true);
  });

  it('delivers each task event to every listener, until one stops listening', async () => {
    const client = await DaemonClient.connect({ port, pid: process.pid, token: TOKEN });
    const first: TaskEvent[] = [];
    const second: TaskEvent[] = [];
    client.onTaskEvent((e) => first.push(e));
    const stop = client.onTaskEvent((e) => second.push(e));
    await client.request(TaskStart, { repoPath: '/repo', prompt: 'one' });
    stop();
    await client.request(TaskStart, { repoPath: '/repo', prompt: 'two' });
    assert.equal(first.length, 2);
    assert.equal(second.length, 1);
    client.close();
  });

  it('cancels a request when its signal aborts: $/cancelRequest goes out and the request rejects', async () => {
    const client = await DaemonClient.connect({ port, pid: process.pid, token: TOKEN });
    const abort = new AbortController();
    const pending = client.request(TaskStart, { repoPath: '/repo', prompt: 'hang' }, abort.signal);
    while (received.length === 0) await new Promise((resolve) => setImmediate(resolve));
    abort.abort();
    await assert.rejects(pending, /cancelled by the client/);
    const [start, cancel] = received as { id?: number; method: string; params: unknown }[];
    assert.equal(cancel!.method, '$/cancelRequest');
    assert.deepEqual(cancel!.params, { id: start!.id });
    client.close();
  });

  it('closed() resolves once the client is closed', async () => {
    const client = await DaemonClient.connect({ port, pid: process.pid, token: TOKEN });
    const closed = client.closed();
    client.close();
    await closed;
    assert.equal(client.isClosed, true);
  });
});

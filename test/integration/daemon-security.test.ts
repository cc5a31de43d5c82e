// The daemon's door, against a real daemon process: token, Origin, oversize and malformed frames.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { WebSocket } from 'ws';
import { connectToDaemon } from '../../daemon/src/cli/daemon-client.js';
import { Status } from '../../daemon/src/protocol/messages.js';
import { exchange, tryUpgrade } from '../fixtures/daemon/raw-socket.js';
import { makeTandemHome, startDaemon, type DaemonProcess } from '../fixtures/daemon/spawn-daemon.js';

const CAP = 64 * 1024; // the test daemon's message cap; ws itself closes above 4x this
const statusRequest = (id: number) => JSON.stringify({ jsonrpc: '2.0', id, method: Status.method });

describe('daemon security (real daemon process)', () => {
  const home = makeTandemHome();
  let daemon: DaemonProcess;
  let port: number;
  const authorized = () => ({ Authorization: `Bearer ${daemon.discovery.token}` });

  before(async () => {
    daemon = await startDaemon({ ...home.env, TANDEM_TEST_MAX_MESSAGE_BYTES: String(CAP) });
    port = daemon.discovery.port;
  });
  after(async () => {
    daemon?.child.kill('SIGTERM');
    await daemon?.exited;
    home.remove();
  });

  it('publishes a 0600 discovery file with a random token', () => {
    assert.equal(statSync(home.paths.discovery).mode & 0o777, 0o600);
    assert.match(daemon.discovery.token, /^[0-9a-f]{64}$/);
    assert.equal(daemon.discovery.pid, daemon.child.pid);
  });

  it('refuses a connection without a token (401)', async () => {
    const outcome = await tryUpgrade(port);
    assert.ok('status' in outcome);
    assert.equal(outcome.status, 401);
    assert.match(outcome.body, /No token/);
  });

  it('refuses a wrong token, in a header or a subprotocol (401)', async () => {
    const wrong = 'f'.repeat(64);
    for (const outcome of [
      await tryUpgrade(port, { headers: { Authorization: `Bearer ${wrong}` } }),
      await tryUpgrade(port, { protocols: ['tandem.v1', `tandem.token.${wrong}`] }),
    ]) {
      assert.ok('status' in outcome);
      assert.equal(outcome.status, 401);
      assert.match(outcome.body, /Wrong token/);
    }
  });

  it('refuses a foreign Origin even with the right token (403)', async () => {
    const outcome = await tryUpgrade(port, { headers: authorized(), origin: 'https://evil.example' });
    assert.ok('status' in outcome);
    assert.equal(outcome.status, 403);
    assert.match(outcome.body, /evil\.example/);
  });

  it('accepts the token as a bearer header or as a subprotocol', async () => {
    const byHeader = await tryUpgrade(port, { headers: authorized() });
    const byProtocol = await tryUpgrade(port, { protocols: ['tandem.v1', `tandem.token.${daemon.discovery.token}`] });
    for (const outcome of [byHeader, byProtocol]) {
      assert.ok('open' in outcome);
      const reply = await exchange(outcome.open, statusRequest(1));
      assert.equal(reply.result.pid, daemon.discovery.pid);
      outcome.open.close();
    }
    assert.ok('open' in byProtocol && byProtocol.open.protocol === 'tandem.v1');
  });

  it('answers malformed JSON with a Parse error and keeps serving the connection', async () => {
    const outcome = await tryUpgrade(port, { headers: authorized() });
    assert.ok('open' in outcome);
    const parseError = await exchange(outcome.open, '{"jsonrpc": "2.0", "id": 3, "method": ');
    assert.equal(parseError.error.code, -32700);
    assert.equal(parseError.id, null);
    const notRpc = await exchange(outcome.open, '[1, 2, 3]');
    assert.equal(notRpc.error.code, -32600);
    const unknown = await exchange(outcome.open, JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'tandem/nope' }));
    assert.equal(unknown.error.code, -32601);
    const reply = await exchange(outcome.open, statusRequest(5));
    assert.equal(reply.id, 5);
    assert.equal(reply.result.pid, daemon.discovery.pid);
    outcome.open.close();
  });

  it('refuses a message over the cap with MessageTooLarge for its id, and keeps serving the connection', async () => {
    const outcome = await tryUpgrade(port, { headers: authorized() });
    assert.ok('open' in outcome);
    const big = JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tandem/task/start', params: { repoPath: '/r', prompt: 'x'.repeat(CAP * 2) } });
    const refused = await exchange(outcome.open, big);
    assert.equal(refused.id, 7);
    assert.equal(refused.error.code, -32002);
    assert.match(refused.error.message, /limit is 65536 bytes/);
    const reply = await exchange(outcome.open, statusRequest(8));
    assert.equal(reply.result.pid, daemon.discovery.pid);
    outcome.open.close();
  });

  it('closes the socket on a frame far over the cap (1009), and the daemon serves the next client', async () => {
    const outcome = await tryUpgrade(port, { headers: authorized() });
    assert.ok('open' in outcome);
    const socket: WebSocket = outcome.open;
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.on('error', () => undefined); // the reset is expected
    socket.send('x'.repeat(CAP * 5));
    assert.equal(await closed, 1009);
    const client = await connectToDaemon({ paths: home.paths });
    assert.ok(client);
    assert.equal((await client.request(Status)).pid, daemon.discovery.pid);
    client.close();
  });

  it('answers plain HTTP with 426 and nothing else', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/`, { headers: authorized() });
    assert.equal(response.status, 426);
  });
});

// Ill-typed params at the daemon's door (a real daemon process): each request is checked against its
// declaration's schema and answered with InvalidParams (-32602) naming the field, before any handler
// runs; well-typed requests are untouched. Before the check, these came back as -32603 with internal text.
// The CLI's in-process mode (no daemon) runs the same check.
import assert from 'node:assert/strict';
import type { WebSocket } from 'ws';
import { ReviewApprove, Status, TaskGet, TaskList, TaskStart } from '../../daemon/src/protocol/messages.js';
import { InProcessClient } from '../../daemon/src/cli/in-process-client.js';
import { PROTOCOL_NAME } from '../../daemon/src/server/upgrade-check.js';
import { exchange, tryUpgrade } from '../fixtures/daemon/raw-socket.js';
import { makeTandemHome, startDaemon, type DaemonProcess } from '../fixtures/daemon/spawn-daemon.js';

describe('typed params at the protocol boundary (real daemon process)', () => {
  const home = makeTandemHome();
  let daemon: DaemonProcess;
  let socket: WebSocket;
  let nextId = 1;
  const call = (method: string, params?: unknown) =>
    exchange(socket, JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, ...(params === undefined ? {} : { params }) }));
  const invalid = async (method: string, params: unknown, field: RegExp) => {
    const answer = await call(method, params);
    assert.equal(answer.error?.code, -32602, `${method} ${JSON.stringify(params)}: ${JSON.stringify(answer)}`);
    assert.match(answer.error.message, new RegExp(`^Invalid params for ${method}: `));
    assert.match(answer.error.message, field);
  };

  before(async () => {
    daemon = await startDaemon(home.env);
    const door = await tryUpgrade(daemon.discovery.port, { headers: { Authorization: `Bearer ${daemon.discovery.token}` }, protocols: [PROTOCOL_NAME] });
    assert.ok('open' in door);
    socket = door.open;
    socket.setMaxListeners(50); // exchange() leaves a close listener per call
  });
  after(async () => {
    socket?.close();
    daemon?.child.kill('SIGTERM');
    await daemon?.exited;
    home.remove();
  });

  it('names a field of the wrong type, and the handler never runs', async () => {
    await invalid(TaskStart.method, { repoPath: '/tmp/repo', prompt: 42 }, /"prompt" must be a string \(got 42\)/);
    await invalid(TaskStart.method, { repoPath: ['/tmp/repo'], prompt: '{}' }, /"repoPath" must be a string \(got an array\)/);
    const tasks = await call(TaskList.method, {});
    assert.deepEqual(tasks.result, [], 'no task was started by an ill-typed request');
  });

  it('names a missing field, an unknown one, and a bad value deep inside', async () => {
    await invalid(TaskStart.method, { prompt: 'fix it' }, /"repoPath" is required/);
    await invalid(TaskGet.method, { taskId: 'abc', taskid: 'abc' }, /"taskid" is not a field/);
    await invalid(ReviewApprove.method, { taskId: 't1', files: [{ path: 'a.ts', verdict: 'approve' }, { path: 'b.ts', verdict: 'maybe' }] },
      /"files\[1\]\.verdict" must be one of approve, reject, approve_with_edits \(got "maybe"\)/);
    await invalid(ReviewApprove.method, { taskId: 't1', files: [{ path: 'a.ts', verdict: 'approve', hunks: ['1'] }] }, /"files\[0\]\.hunks\[0\]" must be a number/);
    await invalid(TaskList.method, 'all of them', /params must be an object \(got "all of them"\)/);
    await invalid(Status.method, { verbose: true }, /takes no params/);
  });

  it('passes well-typed params through, absent params included', async () => {
    const status = await call(Status.method);
    assert.equal(status.result?.version, 'test');
    const list = await call(TaskList.method);
    assert.deepEqual(list.result, [], 'absent params for all-optional fields read as {}');
    const found = await call(TaskGet.method, { taskId: 'no-such-task' });
    assert.equal(found.error?.code, -32003, 'a well-typed request reaches its handler (NotFound)');
  });
});

describe('typed params in the CLI\'s in-process mode (no daemon running)', () => {
  const home = makeTandemHome();
  let client: InProcessClient;

  before(async () => { client = await InProcessClient.start({ paths: home.paths, env: home.env }); });
  after(async () => {
    await client?.close();
    home.remove();
  });

  const refusal = async (run: () => Promise<unknown>, field: RegExp) => {
    const error = await run().then(() => null, (e: unknown) => e as { code?: number; message?: string });
    assert.ok(error, 'an ill-typed request is refused in-process too');
    assert.equal(error.code, -32602, JSON.stringify(error));
    assert.match(error.message ?? '', field);
  };

  it('refuses ill-typed params with the daemon\'s message, and the service never runs', async () => {
    await refusal(() => client.request(TaskStart, { repoPath: home.home, prompt: 42 } as never), /^Invalid params for tandem\/task\/start: "prompt" must be a string \(got 42\)\.$/);
    await refusal(() => client.request(TaskGet, { taskId: 'abc', taskid: 'abc' } as never), /"taskid" is not a field/);
    await refusal(() => client.request(Status, { verbose: true } as never), /takes no params/);
    assert.deepEqual(await client.request(TaskList, {}), [], 'no task was started by an ill-typed request');
    const found = await client.request(TaskGet, { taskId: 'no-such-task' }).then(() => null, (e: { code?: number }) => e.code);
    assert.equal(found, -32003, 'a well-typed request reaches its service (NotFound)');
  });
});

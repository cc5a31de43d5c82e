// Settings sent to a daemon that is already running: the worker's run tool follows the allowed
// commands a client sent (real processes in a real git worktree, the config file on disk), a real
// daemon process answers the settings request and refuses malformed ones, and says which settings
// wait for its restart (model, threads, GPU layers, context size); a restart with TANDEM_MODEL set to a
// model's name loads that model, and its status says no sandbox works when bwrap is not on its PATH.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NO_SANDBOX_ADVICE, sandboxStatus } from '../../daemon/src/agents/tools/command-sandbox.js';
import { createWorkerTools } from '../../daemon/src/agents/tools/tool-executor.js';
import { connectToDaemon, type DaemonClient } from '../../daemon/src/cli/daemon-client.js';
import { DaemonSettings } from '../../daemon/src/protocol/daemon-settings.js';
import { Status } from '../../daemon/src/protocol/messages.js';
import { writeFixtureModel } from '../../daemon/src/runtime/fixture-model.js';
import { AgentOptionsHolder } from '../../daemon/src/services/agent-options.js';
import { RepoAllowlists } from '../../daemon/src/services/repo-allowlists.js';
import { SettingsService } from '../../daemon/src/services/settings-service.js';
import { PROTOCOL_NAME } from '../../daemon/src/server/upgrade-check.js';
import { createTaskWorktree, type TaskWorktree } from '../../daemon/src/workspace/task-worktree.js';
import { exchange, tryUpgrade } from '../fixtures/daemon/raw-socket.js';
import { CLI_ENTRY, makeTandemHome, startDaemon, type DaemonProcess } from '../fixtures/daemon/spawn-daemon.js';
import { allowUnsandboxedWhenNoSandbox } from './support/sandbox.js';
import { makeTempRepo, type TempRepo } from './support/temp-repo.js';

const SAY = `node -e "console.log('ran in ' + require('path').basename(process.cwd()))"`;
const OTHER = 'node --version';
const invalidParams = (message: RegExp) => (error: { code?: number; message?: string }) =>
  error.code === -32602 && message.test(error.message ?? '');

describe('live settings: the run tool follows what a client sent', () => {
  let t: TempRepo;
  let task: TaskWorktree;
  let configPath: string;
  let allowlists: RepoAllowlists;
  let settings: SettingsService;
  // Built as TaskService builds a task's tools: the allowlist is asked at every run.
  let tools: ReturnType<typeof createWorkerTools>;
  const run = (command: string) => tools.execute(task, { tool: 'run', args: { command } });

  let undoUnsandboxed = (): void => {};
  before(async () => {
    undoUnsandboxed = allowUnsandboxedWhenNoSandbox();
    t = makeTempRepo({ 'README.md': 'hi\n' });
    configPath = join(t.home, 'config.json');
    writeFileSync(configPath, JSON.stringify({ allowedCommands: { [`${t.repo}/`]: [OTHER] } }));
    allowlists = new RepoAllowlists(configPath, {}, () => {});
    settings = new SettingsService(allowlists, join(t.home, 'models'), new AgentOptionsHolder({}, () => {}));
    tools = createWorkerTools({ allowlist: () => allowlists.forRepo(t.repo) });
    task = await createTaskWorktree({ repoPath: t.repo, taskId: 'live', worktreesDir: t.worktrees });
  });
  after(() => { undoUnsandboxed(); t.remove(); });

  it('starts from config.json, runs a command once a client allows it, and refuses it again once handed back', async () => {
    const before = await run(SAY);
    assert.equal(before.ok, false);
    assert.match(before.result, /is not an allowed command\. Allowed: "node --version"/);

    const outcome = settings.apply({ allowedCommands: { [t.repo]: [SAY] } }, null);
    assert.deepEqual(outcome, { allowedCommands: { [t.repo]: [SAY] }, pending: [] });
    const allowed = await run(SAY);
    assert.equal(allowed.ok, true, allowed.result);
    assert.match(allowed.result, /ran in live\n/);
    assert.equal((await run(OTHER)).ok, false, 'the list the client sent replaces the config one');

    assert.deepEqual(settings.apply({ allowedCommands: { [t.repo]: null } }, null).allowedCommands, { [t.repo]: [OTHER] });
    assert.equal((await run(SAY)).ok, false);
    assert.equal((await run(OTHER)).ok, true);
  });

  it('applies nothing of an update with one bad entry', async () => {
    settings.apply({ allowedCommands: { [t.repo]: [SAY] } }, null);
    assert.throws(() => settings.apply({ allowedCommands: { [t.repo]: [], 'relative/repo': ['make'] } }, null),
      invalidParams(/"relative\/repo" is not an absolute repository path/));
    assert.deepEqual(allowlists.forRepo(t.repo), [SAY]);
    assert.equal((await run(SAY)).ok, true);
  });
});

describe('live settings: a running daemon process', () => {
  const home = makeTandemHome();
  const repo = '/home/someone/app';
  home.env.TANDEM_SIGNALS_SCAN_MINUTES = '0';
  home.env.TANDEM_ALLOWED_COMMANDS = JSON.stringify({ [repo]: ['make'] });
  delete home.env.TANDEM_MODEL;
  delete home.env.TANDEM_THREADS;
  delete home.env.TANDEM_GPU_LAYERS;
  delete home.env.TANDEM_CONTEXT_SIZE;
  let daemon: DaemonProcess;
  let client: DaemonClient;
  let otherModel: string;

  const start = async (env: NodeJS.ProcessEnv) => {
    daemon = await startDaemon(env, CLI_ENTRY, ['daemon']);
    const connected = await connectToDaemon({ paths: home.paths });
    assert.ok(connected, 'the daemon accepts a client');
    client = connected;
  };
  const stop = async () => {
    client?.close();
    daemon?.child.kill('SIGTERM');
    await daemon?.exited;
  };

  before(async () => {
    // A second base model in the models dir, found by its name as VS Code's tandem.model gives it.
    const made = await writeFixtureModel(join(home.home, 'other'), { preset: 'tiny', seed: 2 });
    mkdirSync(home.paths.models, { recursive: true });
    otherModel = join(home.paths.models, 'other-model.gguf');
    copyFileSync(made.modelPath, otherModel);
    await start(home.env);
  });
  after(async () => {
    await stop();
    home.remove();
  });

  it('takes allowed commands per repository over its env, and hands a repository back with null', async () => {
    const set = await client.request(DaemonSettings, { allowedCommands: { [`${repo}/`]: ['npm test', 'npm run lint'] } });
    assert.deepEqual(set, { allowedCommands: { [repo]: ['npm test', 'npm run lint'] }, pending: [] });
    const back = await client.request(DaemonSettings, { allowedCommands: { [repo]: null } });
    assert.deepEqual(back.allowedCommands, { [repo]: ['make'] }, 'back to TANDEM_ALLOWED_COMMANDS');
  });

  it('refuses malformed settings with invalid params and a message naming the entry', async () => {
    await assert.rejects(client.request(DaemonSettings, { allowedCommands: { [repo]: ['npm test "unclosed'] } }),
      invalidParams(/^Settings not applied: allowedCommands\["\/home\/someone\/app"\]: "npm test "unclosed" cannot be run: unclosed " quote\.$/));
    await assert.rejects(client.request(DaemonSettings, { threads: -2 }), invalidParams(/"threads" must be a whole number/));
    // The agents' switches VS Code sends (tandem.critic, tandem.attempts) pass the params check; a bad count does not.
    assert.deepEqual((await client.request(DaemonSettings, { critic: false, attempts: 1 })).pending, []);
    await assert.rejects(client.request(DaemonSettings, { attempts: 9 }), invalidParams(/attempts/));
    // A client other than vscode-jsonrpc may send anything as params.
    const door = await tryUpgrade(daemon.discovery.port, { headers: { Authorization: `Bearer ${daemon.discovery.token}` }, protocols: [PROTOCOL_NAME] });
    assert.ok('open' in door, 'the token opens the door');
    const answer = await exchange(door.open, JSON.stringify({ jsonrpc: '2.0', id: 1, method: DaemonSettings.method, params: 'npm test' }));
    door.open.close();
    assert.equal(answer.error?.code, -32602);
    assert.match(answer.error?.message, /the settings update must be an object/);
  });

  it('says which model and threads wait for a restart, and nothing for what it already runs', async () => {
    const status = await client.request(Status);
    const same = await client.request(DaemonSettings, { model: status.model!.path, threads: status.threads });
    assert.deepEqual(same.pending, []);
    const unset = await client.request(DaemonSettings, { model: '', threads: 0 });
    assert.deepEqual(unset.pending, [], '"" and 0 leave the choice to the daemon');

    const other = await client.request(DaemonSettings, { model: 'other-model', threads: status.threads + 1 });
    assert.deepEqual(other.pending.map((p) => p.setting), ['model', 'threads']);
    assert.match(other.pending[0]!.message, /^The daemon runs tandem-fixture-tiny; other-model is loaded when the daemon restarts\.$/);
    assert.match(other.pending[1]!.message, new RegExp(`^The daemon generates with ${status.threads} thread\\(s\\); ${status.threads + 1} take effect when the daemon restarts\\.$`));
    const missing = await client.request(DaemonSettings, { model: 'no-such-model' });
    assert.match(missing.pending[0]!.message, /^No base model "no-such-model" on this machine .*the daemon keeps tandem-fixture-tiny\.$/);
  });

  it('says that other GPU layers or context size wait for the restart that reloads the model, and refuses bad ones', async () => {
    const unset = await client.request(DaemonSettings, { gpuLayers: '', contextSize: 0 });
    assert.deepEqual(unset.pending, [], '"" and 0 leave the choice to the daemon');
    assert.deepEqual((await client.request(DaemonSettings, { gpuLayers: 'auto' })).pending, [], 'what it loaded with');
    const other = await client.request(DaemonSettings, { gpuLayers: '0', contextSize: 2048 });
    assert.deepEqual(other.pending.map((p) => p.setting), ['gpuLayers', 'contextSize']);
    assert.equal(other.pending[0]!.message, 'The model was loaded with gpuLayers auto; 0 takes effect when the daemon restarts and reloads the model.');
    assert.equal(other.pending[1]!.message, 'The model was loaded with contextSize auto; 2048 takes effect when the daemon restarts and reloads the model.');
    await assert.rejects(client.request(DaemonSettings, { gpuLayers: 'most' }), invalidParams(/^Settings not applied: gpuLayers: gpuLayers must be "auto", "max" or a whole number/));
    await assert.rejects(client.request(DaemonSettings, { contextSize: 512 }), invalidParams(/contextSize must be "auto" or a whole number of tokens of at least 1024; got 512/));
    // The agents' switches VS Code sends beside them are fields of the update too.
    assert.deepEqual((await client.request(DaemonSettings, { critic: false, attempts: 1 })).pending, []);
  });

  it('restarted with TANDEM_MODEL set to a model name (and the GPU settings a VS Code launch passes), loads that model; with no bwrap on PATH, its status says no sandbox works and the fix', async () => {
    assert.deepEqual((await client.request(Status)).sandbox, sandboxStatus(home.env), 'the first daemon reports the sandbox this machine has');
    await stop();
    // A PATH with git but no bubblewrap, as on a machine where it is not installed.
    const bin = join(home.home, 'bin-without-bwrap');
    mkdirSync(bin);
    symlinkSync(execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim(), join(bin, 'git'));
    await start({ ...home.env, PATH: bin, TANDEM_MODEL: 'other-model', TANDEM_GPU_LAYERS: '0', TANDEM_CONTEXT_SIZE: '2048' });
    const status = await client.request(Status);
    assert.equal(status.model?.path, otherModel);
    assert.deepEqual(status.sandbox, { available: false, mode: 'none', reason: 'bubblewrap (bwrap) is not installed', fix: NO_SANDBOX_ADVICE });
    assert.deepEqual((await client.request(DaemonSettings, { model: 'other-model', gpuLayers: '0', contextSize: 2048 })).pending, []);
  });
});

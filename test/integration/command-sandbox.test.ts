// The escapes an allowed command was found to make, tried for real through the worker's run tool:
// the worker rewrites the script that "npm test" runs, and the script writes outside the worktree,
// plants a hook in the user's repository, reads Tandem's store, phones a local server and leaves a
// detached process behind. Each must fail; the same script's writes inside the worktree must work.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createWorkerTools } from '../../daemon/src/agents/tools/tool-executor.js';
import { createTaskWorktree, type TaskWorktree } from '../../daemon/src/workspace/task-worktree.js';
import { processesWith } from './support/processes.js';
import { requireSandbox } from './support/sandbox.js';
import { git, makeTempRepo, type TempRepo } from './support/temp-repo.js';

const TEST_COMMAND = 'node run-tests.js';

describe('sandboxed commands: what an allowed command can no longer do', function () {
  let t: TempRepo;
  let task: TaskWorktree;
  let server: Server;
  let port = 0;
  let connections = 0;
  const tag = `tandem-escape-${process.pid}-${Date.now()}`;
  const outsideTemp = join(tmpdir(), `${tag}.txt`);
  const inHome = join(homedir(), `.${tag}`);
  const savedHome = process.env.TANDEM_HOME;
  let tandemHome = '';
  let network = false;
  const tools = createWorkerTools({ allowlist: () => [TEST_COMMAND, 'git rev-parse HEAD'], network: () => network, limits: { runTimeoutMs: 60_000, maxOutputChars: 8000 } });
  const runTests = async (): Promise<Record<string, string>> => {
    const record = await tools.execute(task, { tool: 'run', args: { command: TEST_COMMAND } });
    const line = record.result.split('\n').find((l) => l.startsWith('{'));
    assert.ok(line, record.result);
    return JSON.parse(line) as Record<string, string>;
  };

  before(async function () {
    requireSandbox(this, 'the sandbox escape tests');
    t = makeTempRepo({ 'package.json': '{"scripts":{"test":"node run-tests.js"}}\n', 'run-tests.js': 'console.log("ok")\n' });
    tandemHome = join(t.home, 'tandem-home');
    mkdirSync(tandemHome);
    writeFileSync(join(tandemHome, 'tandem.db'), 'every recorded trajectory');
    process.env.TANDEM_HOME = tandemHome;
    task = await createTaskWorktree({ repoPath: t.repo, taskId: 'escape', worktreesDir: t.worktrees });
    server = createServer((socket) => { connections++; socket.end('hello'); });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as { port: number }).port;
    // What the worker wrote in place of the test script: every escape it tries, each reported.
    writeFileSync(join(task.root, 'run-tests.js'), `
      const fs = require('fs'), net = require('net'), { spawn } = require('child_process');
      const report = {};
      const attempt = (name, act) => { try { act(); report[name] = 'done'; } catch (e) { report[name] = e.code || e.message; } };
      attempt('worktree', () => fs.writeFileSync('written-inside.txt', 'fine'));
      attempt('repoFile', () => fs.writeFileSync(${JSON.stringify(join(t.repo, 'PWNED'))}, 'x'));
      attempt('hook', () => fs.writeFileSync(${JSON.stringify(join(t.repo, '.git', 'hooks', 'post-checkout'))}, '#!/bin/sh\\ntouch ${join(t.home, 'hook-ran')}\\n', { mode: 0o755 }));
      attempt('repoConfig', () => fs.appendFileSync(${JSON.stringify(join(t.repo, '.git', 'config'))}, '[core]\\n\\thooksPath = /tmp\\n'));
      attempt('worktreeGitFile', () => fs.writeFileSync('.git', 'gitdir: ./evil\\n'));
      attempt('home', () => fs.writeFileSync(${JSON.stringify(inHome)}, 'x'));
      attempt('tmp', () => fs.writeFileSync(${JSON.stringify(outsideTemp)}, 'x'));
      attempt('store', () => { report.storeText = fs.readFileSync(${JSON.stringify(join(tandemHome, 'tandem.db'))}, 'utf8'); });
      spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', ${JSON.stringify(tag)}], { detached: true, stdio: 'ignore' }).unref();
      const socket = net.connect(${port}, '127.0.0.1');
      const finish = (result) => { report.network = result; console.log(JSON.stringify(report)); process.exit(0); };
      socket.on('data', () => finish('connected'));
      socket.on('error', (e) => finish(e.code || e.message));
      setTimeout(() => finish('no answer'), 3000);
    `);
  });

  after(async () => {
    process.env.TANDEM_HOME = savedHome;
    if (savedHome === undefined) delete process.env.TANDEM_HOME;
    server?.close();
    rmSync(outsideTemp, { force: true });
    rmSync(inHome, { force: true });
    for (const pid of processesWith(tag)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    t?.remove();
  });

  it('runs the rewritten test script, but none of its escapes work', async () => {
    const report = await runTests();
    assert.equal(report.worktree, 'done', 'writes inside the worktree work');
    assert.equal(readFileSync(join(task.root, 'written-inside.txt'), 'utf8'), 'fine');
    // A home under the temp folder (a CI or test HOME) lies inside the sandbox's private /tmp: a write there
    // succeeds in the sandbox and is gone with it, so the home is judged by what reached the real one below.
    const homeUnderTemp = inHome.startsWith(tmpdir() + sep);
    for (const escape of ['repoFile', 'hook', 'repoConfig', 'worktreeGitFile', ...(homeUnderTemp ? [] : ['home'])]) {
      assert.notEqual(report[escape], 'done', `${escape}: ${JSON.stringify(report)}`);
    }
    assert.ok(!existsSync(join(t.repo, 'PWNED')));
    assert.ok(!existsSync(join(t.repo, '.git', 'hooks', 'post-checkout')), 'no hook planted in the user repository');
    assert.doesNotMatch(readFileSync(join(t.repo, '.git', 'config'), 'utf8'), /hooksPath/);
    assert.match(readFileSync(join(task.root, '.git'), 'utf8'), /^gitdir: \//);
    assert.ok(!existsSync(inHome), 'nothing written in the home directory');
    assert.ok(!existsSync(outsideTemp), '/tmp inside is private');
    assert.notEqual(report.storeText, 'every recorded trajectory', "Tandem's store is hidden");
    assert.notEqual(report.network, 'connected');
    assert.equal(connections, 0, 'no connection reached the local server');
    // The detached grandchild died with the sandbox, though the command ended normally.
    for (let i = 0; i < 50 && processesWith(tag).length > 0; i++) await sleep(100);
    assert.deepEqual(processesWith(tag), [], 'a detached grandchild survived');
  });

  it('lets git read the repository inside the sandbox', async () => {
    const record = await tools.execute(task, { tool: 'run', args: { command: 'git rev-parse HEAD' } });
    assert.equal(record.ok, true, record.result);
    assert.ok(record.result.includes(git(t.repo, ['rev-parse', 'HEAD']).trim()), record.result);
  });

  it('reaches the network only where the user allowed it for the repository', async () => {
    network = true;
    try {
      const report = await runTests();
      assert.equal(report.network, 'connected', JSON.stringify(report));
      assert.ok(connections > 0);
      assert.notEqual(report.hook, 'done', 'the network changes nothing else');
    } finally {
      network = false;
    }
  });

  it('kills everything the command started when it runs past the time limit', async () => {
    writeFileSync(join(task.root, 'hang.js'), `require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', ${JSON.stringify(`${tag}-late`)}], { detached: true, stdio: 'ignore' }).unref(); setInterval(() => {}, 1000);`);
    const short = createWorkerTools({ allowlist: () => ['node hang.js'], limits: { runTimeoutMs: 1500 } });
    const record = await short.execute(task, { tool: 'run', args: { command: 'node hang.js' } });
    assert.match(record.result, /\[killed: still running after 1\.5 s\]$/);
    for (let i = 0; i < 50 && processesWith(`${tag}-late`).length > 0; i++) await sleep(100);
    assert.deepEqual(processesWith(`${tag}-late`), [], 'a detached grandchild survived the time limit');
  });

  it('refuses to run commands when no sandbox works, and says how to get one', async () => {
    const saved = process.env.TANDEM_BWRAP;
    process.env.TANDEM_BWRAP = join(t.home, 'no-bwrap-here');
    try {
      rmSync(join(task.root, 'written-inside.txt'), { force: true });
      const record = await tools.execute(task, { tool: 'run', args: { command: TEST_COMMAND } });
      assert.equal(record.ok, false);
      assert.match(record.result, /did not run: allowed commands run only in a sandbox, and bubblewrap .* does not work here.*apt install bubblewrap.*TANDEM_UNSANDBOXED_COMMANDS=1/s);
      assert.ok(!existsSync(join(task.root, 'written-inside.txt')), 'the command did not run');
    } finally {
      if (saved === undefined) delete process.env.TANDEM_BWRAP; else process.env.TANDEM_BWRAP = saved;
    }
  });
});

// The run tool with real processes: only allowlisted commands, in the worktree, killed as a whole
// process group on timeout, output capped with the middle cut. What the sandbox stops is in
// command-sandbox.test.ts; without bubblewrap here these run unsandboxed (and say so).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createWorkerTools } from '../../daemon/src/agents/tools/tool-executor.js';
import { createTaskWorktree, type TaskWorktree } from '../../daemon/src/workspace/task-worktree.js';
import { processesWith } from './support/processes.js';
import { allowUnsandboxedWhenNoSandbox } from './support/sandbox.js';
import { makeTempRepo, type TempRepo } from './support/temp-repo.js';

describe('worker tools: run', () => {
  let t: TempRepo;
  let task: TaskWorktree;
  const CWD = `node -e "console.log('cwd=' + process.cwd())"`;
  const FAIL = `node -e "console.error('boom'); process.exit(3)"`;
  const marker = `tandem-run-grandchild-${process.pid}`;
  const HANG = `node -e "require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '${marker}'], { stdio: 'ignore' }); console.log('spawned'); setInterval(() => {}, 1000)"`;
  const LOUD = `node -e "process.stdout.write('A'.repeat(50000) + 'B'.repeat(50000))"`;
  const MISSING = 'tandem-no-such-program --version';
  const ENV = `node -e "console.log(JSON.stringify(process.env))"`;
  const tools = createWorkerTools({ allowlist: () => [CWD, FAIL, HANG, LOUD, MISSING, ENV], limits: { runTimeoutMs: 1500, maxOutputChars: 1000 } });

  let undoUnsandboxed = (): void => {};
  before(async () => {
    undoUnsandboxed = allowUnsandboxedWhenNoSandbox();
    t = makeTempRepo({ 'README.md': 'hi\n' });
    task = await createTaskWorktree({ repoPath: t.repo, taskId: 'run', worktreesDir: t.worktrees });
  });
  after(() => { undoUnsandboxed(); t.remove(); });

  it('runs an allowlisted command without a shell, in the worktree', async () => {
    const record = await tools.execute(task, { tool: 'run', args: { command: `node   -e "console.log('cwd=' + process.cwd())"` } });
    assert.equal(record.ok, true);
    assert.match(record.result, /^\$ node -e console\.log/);
    assert.ok(record.result.includes(`cwd=${task.root}\n`), record.result);
    assert.match(record.result, /\[exit code 0\]$/);
  });

  it('refuses a command that is not on the allowlist, or only starts like one', async () => {
    for (const command of ['rm -rf .', `${CWD}; rm -rf .`, `${CWD} && touch pwned`, 'node -e "console.log(1)"', 'node']) {
      const record = await tools.execute(task, { tool: 'run', args: { command } });
      assert.equal(record.ok, false, command);
      assert.match(record.result, /is not an allowed command\. Allowed: /);
    }
    assert.ok(!existsSync(join(task.root, 'pwned')));
    const none = await createWorkerTools({ allowlist: () => [] }).execute(task, { tool: 'run', args: { command: 'npm test' } });
    assert.match(none.result, /allowed no commands/);
  });

  it("keeps the daemon's secrets out of the command's environment", async () => {
    const secret = 'ghp_tandemTestSecret0123456789abcdefghij';
    process.env.TANDEM_TEST_GITHUB_TOKEN = secret;
    try {
      const record = await tools.execute(task, { tool: 'run', args: { command: ENV } });
      assert.equal(record.ok, true, record.result);
      const env = JSON.parse(record.result.split('\n')[1]!) as Record<string, string>;
      assert.equal(env.PATH, process.env.PATH);
      assert.equal(env.CI, '1');
      assert.ok(!record.result.includes(secret), record.result);
    } finally {
      delete process.env.TANDEM_TEST_GITHUB_TOKEN;
    }
  });

  it('reports a failing command with its exit code and output', async () => {
    const record = await tools.execute(task, { tool: 'run', args: { command: FAIL } });
    assert.equal(record.ok, false);
    assert.match(record.result, /boom\n\n?\[exit code 3\]$/);
  });

  it('reports a program that cannot start', async () => {
    const record = await tools.execute(task, { tool: 'run', args: { command: MISSING } });
    assert.equal(record.ok, false);
    assert.match(record.result, /could not start: .*ENOENT/);
  });

  it('kills the whole process group on timeout', async () => {
    const record = await tools.execute(task, { tool: 'run', args: { command: HANG } });
    assert.equal(record.ok, false);
    assert.match(record.result, /\[killed: still running after 1\.5 s\]$/);
    assert.match(record.result, /\nspawned\n/, 'the grandchild was started');
    // Wait for the kernel to finish the kill; the assertion is about the outcome, not the time.
    for (let i = 0; i < 50 && processesWith(marker).length > 0; i++) await sleep(100);
    assert.deepEqual(processesWith(marker), [], 'the grandchild survived');
  });

  it('caps long output, cutting the middle', async () => {
    const record = await tools.execute(task, { tool: 'run', args: { command: LOUD } });
    assert.equal(record.ok, true);
    assert.ok(record.result.length <= 1000, `got ${record.result.length} characters`);
    assert.match(record.result, /^\$ node -e .*\nA+\n\[\.\.\. \d+ characters cut \.\.\.\]\nB+\n\[exit code 0\]$/s);
  });

  it('does not start a command once the task is stopped', async () => {
    const controller = new AbortController();
    controller.abort();
    const record = await tools.execute(task, { tool: 'run', args: { command: CWD } }, controller.signal);
    assert.equal(record.ok, false);
    assert.match(record.result, /task was stopped/);
  });
});

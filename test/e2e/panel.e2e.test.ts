// `npm run test:e2e`: a user's path through a real VS Code (code-server) in a real browser, against
// the real daemon: open the panel, type a task, watch its steps, open a diff from the Changes view,
// approve, and find the file changed on disk. A screenshot is saved when a test fails. The daemon's
// actions are scripted for the prompts typed here (harness/scripted-tasks.ts): each task reaches the
// state its test needs on the first try, with a change the test knows.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, FrameLocator, Page } from 'playwright-core';
import { connectToDaemon, type DaemonClient } from '../../daemon/src/cli/daemon-client.js';
import { tandemPaths } from '../../daemon/src/paths.js';
import { DaemonSettings } from '../../daemon/src/protocol/daemon-settings.js';
import { Status, TaskGet, TaskList } from '../../daemon/src/protocol/messages.js';
import Database from 'better-sqlite3';
import { launchBrowser } from './harness/browser.js';
import { startCodeServer, type CodeServer } from './harness/code-server.js';
import { startTestDaemon, type TestDaemon } from './harness/daemon-process.js';
import { ensureE2eTools } from './harness/e2e-cache.js';
import { GREET_HI, RUNS_UNTIL_CANCELLED } from './harness/scripted-tasks.js';
import { makeTestRepo } from './harness/test-repo.js';
import { runCommand, workbenchUrl } from './harness/workbench-page.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const withoutDaemon = process.env.TANDEM_TESTS_WITHOUT_DAEMON === '1';
const daemonIt = withoutDaemon ? it.skip : it;
/** TANDEM_E2E_SCREENSHOTS=1 also saves the panel and the diff editor of a passing run, to look at. */
const keepScreenshots = process.env.TANDEM_E2E_SCREENSHOTS === '1';
const screenshotDir = join(repoRoot, '.tandem-test');

describe('Tandem in the browser (code-server + chromium)', function () {
  this.timeout(15 * 60_000);
  let stateDir: string;
  let workspace: string;
  let daemon: TestDaemon | null = null;
  let server: CodeServer;
  let browser: BrowserContext;
  let page: Page;

  before(async () => {
    if (withoutDaemon) console.error('\n!!!!!!!! TANDEM_TESTS_WITHOUT_DAEMON=1: the browser tests that need a daemon are SKIPPED !!!!!!!!\n');
    execFileSync(process.execPath, ['test/vscode/build-tests.mjs'], { cwd: repoRoot, stdio: 'inherit' });
    const tools = ensureE2eTools(repoRoot);
    stateDir = mkdtempSync(join(tmpdir(), 'tandem-e2e-'));
    workspace = makeTestRepo(join(stateDir, 'workspace'));
    const tandemHome = join(stateDir, 'tandem-home');
    if (!withoutDaemon) daemon = await startTestDaemon(repoRoot, tandemHome);
    server = await startCodeServer({ tools, stateDir: join(stateDir, 'code-server'), smokeTestDriver: true, env: { TANDEM_HOME: tandemHome } });
    browser = await launchBrowser(join(stateDir, 'chromium'));
    page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(workbenchUrl({ origin: server.origin, port: server.port, folder: workspace, extensionDevelopmentPath: repoRoot }), { timeout: 180_000 });
    await page.locator('.monaco-workbench').waitFor();
    // The status bar item appears once the extension is active: its commands are in the palette from then on.
    await page.locator('.statusbar-item', { hasText: 'Tandem' }).first().waitFor({ timeout: 120_000 });
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !page) return;
    const shot = await screenshot(page, this.currentTest.title);
    console.error(`screenshot of the failure: ${shot}`);
    if (daemon) console.error(`daemon output:\n${daemon.output().slice(-4000)}`);
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    await daemon?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('opens the panel from the command palette, with the task form keyboard-reachable', async () => {
    await runCommand(page, 'Tandem: Open Panel');
    const panel = panelFrame(page);
    await panel.locator('#prompt').waitFor();
    assert.equal(await panel.locator('#repo option').count(), 1, 'the workspace folder is offered as the repository');
    await panel.locator('#prompt').focus();
    await page.keyboard.press('Tab');
    assert.equal(await panel.locator(':focus').getAttribute('id'), 'repo', 'Tab moves from the prompt to the repository');
  });

  daemonIt('runs a typed task live, opens its diff from the Changes view, and approving changes the file on disk', async () => {
    await runCommand(page, 'Tandem: Open Panel');
    const panel = panelFrame(page);
    await panel.locator('.connection', { hasText: 'connected' }).waitFor();
    const client = await connectToDaemon({ paths: tandemPaths({ TANDEM_HOME: daemon!.tandemHome }) });
    assert.ok(client, 'the test reaches the daemon too, to check what the panel shows');
    try {
      const task = await typeTaskToReview(panel, client, GREET_HI.prompt);
      const detail = await client.request(TaskGet, { taskId: task });
      assert.ok(await panel.locator('.timeline .step').count() >= 2, 'the orchestrator and the worker both took steps');
      assert.ok(await panel.locator('.timeline .subtask .step').count() >= 1, 'worker steps are nested under the delegation');
      if (keepScreenshots) console.log(`      panel: ${await screenshot(page, 'panel-in-review')}`);
      assert.deepEqual(detail.diff!.files.map((f) => [f.path, f.status]), [[GREET_HI.path, 'modified']], 'the diff is the scripted change');
      const workspaceFile = join(workspace, GREET_HI.path);
      const before = readFileSync(workspaceFile, 'utf8');

      await runCommand(page, 'Tandem: Show Changes');
      const sidebar = page.locator('.part.sidebar');
      await sidebar.locator('.monaco-list-row', { hasText: detail.prompt }).waitFor();
      await sidebar.locator('.monaco-list-row[aria-level="2"]').filter({ has: page.getByText(GREET_HI.path, { exact: true }) }).click();
      const diffEditor = page.locator('.editor-instance .monaco-diff-editor').first();
      await diffEditor.waitFor();
      assert.match(await page.locator('.tab.active').first().innerText(), /Tandem: original ↔ agent/);
      // Monaco draws spaces as no-break spaces; each side shows its version of the changed line.
      const side = async (which: 'original' | 'modified') => (await diffEditor.locator(`.editor.${which} .view-lines`).innerText()).replace(/\u00a0/g, ' ');
      await diffEditor.locator('.editor.modified .view-lines', { hasText: 'Hi' }).waitFor();
      assert.match(await side('original'), /return "Hello " \+ name;/);
      assert.match(await side('modified'), /return "Hi " \+ name;/);
      if (keepScreenshots) console.log(`      diff: ${await screenshot(page, 'diff-from-changes-view')}`);

      await runCommand(page, 'Tandem: Approve File');
      while (readFileSync(workspaceFile, 'utf8') === before) await page.waitForTimeout(200); // mocha's timeout bounds the wait
      assert.equal(readFileSync(workspaceFile, 'utf8'), GREET_HI.content, 'the approved file on disk is the agent\'s version');
    } finally {
      client.close();
    }
  });

  daemonIt('cancels a running task with the panel\'s Cancel button: cancelled in the store, its steps whole, its command stopped, its worktrees gone, the user\'s files untouched', async function () {
    await runCommand(page, 'Tandem: Open Panel');
    const panel = panelFrame(page);
    await panel.locator('.connection', { hasText: 'connected' }).waitFor();
    const paths = tandemPaths({ TANDEM_HOME: daemon!.tandemHome });
    const client = await connectToDaemon({ paths });
    assert.ok(client, 'the test reaches the daemon too');
    const sandbox = (await client.request(Status)).sandbox;
    if (sandbox?.mode === 'none') {
      client.close();
      const why = `allowed commands cannot run here (${sandbox.reason}; ${sandbox.fix})`;
      if (process.env.CI) assert.fail(`The cancel test runs a command, and ${why}`);
      console.error(`\n!!!!!!!! the cancel test is SKIPPED: ${why} !!!!!!!!\n`);
      this.skip();
    }
    const userTree = () => [git(workspace, 'rev-parse', 'HEAD'), git(workspace, 'status', '--porcelain', '--untracked-files=all'), git(workspace, 'diff', 'HEAD')];
    const before = userTree();
    const worktreesBefore = git(workspace, 'worktree', 'list', '--porcelain'); // an earlier test's task may still be in review
    try {
      // Two switches a user has, sent as VS Code's settings sync sends them: two attempts, so the worker
      // works on a scratch worktree the cancel must remove too, and the command the script's worker
      // runs first, allowed for this repository. That command runs until the task is cancelled, so the
      // task is running when Cancel is clicked whatever the machine's speed.
      await client.request(DaemonSettings, { attempts: 2, allowedCommands: { [workspace]: [RUNS_UNTIL_CANCELLED.command] } });
      const prompt = RUNS_UNTIL_CANCELLED.prompt;
      await panel.locator('#prompt').fill(prompt);
      await panel.locator('#prompt').press('Control+Enter');
      await panel.locator('#task-heading', { hasText: prompt }).waitFor();
      // The worker's step has its action: its command starts now.
      await panel.locator('.timeline .step.role-worker:not(.running)').first().waitFor();
      const [task] = await client.request(TaskList, { limit: 1 });
      assert.equal(task?.prompt, prompt, 'the panel started the task it shows');
      const worktree = (await client.request(TaskGet, { taskId: task!.id })).worktreePath;
      await panel.getByRole('button', { name: 'Cancel task' }).click({ timeout: 60_000 }).catch((error: Error) => {
        throw new Error(`The Cancel button could not be clicked (${error.message.split('\n')[0]}); the task is ${summaryLine(task!.id)}`);
      });
      const ended = panel.locator('.timeline .task-state:not(.state-running):not(.state-queued)');
      await ended.waitFor({ timeout: 120_000 });
      const detail = await client.request(TaskGet, { taskId: task!.id });
      if (detail.state !== 'cancelled') {
        assert.fail(`The task ended as ${detail.state}/${detail.stopReason}${detail.failureReason ? ` (${detail.failureReason})` : ''}, `
          + `not cancelled, though its worker's command runs until it is`);
      }
      assert.equal(detail.stopReason, 'cancelled');
      assert.match(await ended.innerText(), /Task cancelled.*worktree and the changes in it were discarded/, 'the panel says it was cancelled and what became of the work');
      if (keepScreenshots) console.log(`      cancelled: ${await screenshot(page, 'panel-task-cancelled')}`);

      const db = new Database(paths.database, { readonly: true, fileMustExist: true });
      try {
        assert.equal(db.prepare('SELECT state FROM tasks WHERE id = ?').pluck().get(task!.id), 'cancelled');
        // Each model call is recorded whole (done, with its output and the action parsed from it) or as
        // cancelled with no action, never exported; only the call in flight can be cut, so at most one is.
        const steps = db.prepare(`SELECT s.state, s.action_json AS action, b.hash IS NOT NULL AS output FROM steps s
          LEFT JOIN blobs b ON b.hash = s.output_hash WHERE s.task_id = ? ORDER BY s.id`).all(task!.id) as { state: string; action: string | null; output: number }[];
        assert.ok(steps.length >= 2, `the task was cancelled after its first step (${steps.length} recorded)`);
        assert.ok(steps.every((st) => st.output === 1), 'every step has its output');
        assert.deepEqual([...new Set(steps.map((st) => st.state))].filter((st) => st !== 'done' && st !== 'cancelled'), [], 'no step is left half-written');
        const cut = steps.filter((st) => st.state === 'cancelled');
        assert.ok(cut.length <= 1 && cut.every((st) => st.action === null), `the in-flight call, if any, is marked cancelled with no action: ${JSON.stringify(cut)}`);
        assert.equal(steps[0]!.state, 'done', `the first step was whole: ${JSON.stringify(steps[0])}`);
        // The cancel stopped the command (or caught it just before it started), not the run tool's own time limit.
        const runs = db.prepare(`SELECT b.content FROM tool_calls c JOIN steps s ON s.id = c.step_id JOIN blobs b ON b.hash = c.result_hash
          WHERE s.task_id = ? AND c.tool = 'run'`).pluck().all(task!.id) as string[];
        assert.equal(runs.length, 1, `the worker ran its command once: ${JSON.stringify(runs)}`);
        assert.match(runs[0]!, /\[killed: the task was stopped\]|the task was stopped; the command did not run/);
        console.log(`      (the worker's command: ${runs[0]!.trim().split('\n').at(-1)})`);
      } finally {
        db.close();
      }
      assert.ok(worktree && !existsSync(worktree), `the task's worktree is removed (${worktree})`);
      assert.equal(git(workspace, 'worktree', 'list', '--porcelain'), worktreesBefore, 'no task or scratch worktree of it is left');
      assert.equal(git(workspace, 'branch', '--list', `tandem/${task!.id}*`), '', 'nor its branch');
      assert.deepEqual(userTree(), before, 'the user\'s working tree is as it was');
    } finally {
      await client.request(DaemonSettings, { attempts: 1, allowedCommands: { [workspace]: null } }).catch(() => {});
      client.close();
    }

    function summaryLine(taskId: string): string {
      const db = new Database(tandemPaths({ TANDEM_HOME: daemon!.tandemHome }).database, { readonly: true });
      try { return JSON.stringify(db.prepare('SELECT state, stop_reason FROM tasks WHERE id = ?').get(taskId)); } finally { db.close(); }
    }
  });
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

/** Types one task into the panel and waits for it to end in review, which the daemon's script makes it do. */
async function typeTaskToReview(panel: FrameLocator, client: DaemonClient, prompt: string): Promise<string> {
  await panel.locator('#prompt').fill(prompt);
  await panel.locator('#prompt').press('Control+Enter');
  await panel.locator('#task-heading', { hasText: prompt }).waitFor();
  const ended = panel.locator('.timeline .task-state:not(.state-running):not(.state-queued)');
  await ended.waitFor({ timeout: 5 * 60_000 });
  const [task] = await client.request(TaskList, { limit: 1 });
  assert.equal(task?.prompt, prompt, 'the panel started the task it shows');
  if (task!.state !== 'review') {
    assert.fail(`The scripted task "${prompt}" should wait for review; it ended ${task!.state}/${task!.stopReason ?? '-'}${task!.failureReason ? ` (${task!.failureReason})` : ''}`);
  }
  assert.match(await ended.getAttribute('class') ?? '', /state-review/, 'the panel shows the task waiting for review');
  return task!.id;
}

async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `e2e-${name.replace(/\W+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: true }).catch(() => {});
  return path;
}

/** Webviews are nested iframes: the ready outer frame, then the active inner one. */
function panelFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

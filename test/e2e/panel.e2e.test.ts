// `npm run test:e2e`: a user's path through a real VS Code (code-server) in a real browser, against
// the real daemon: open the panel, type a task, watch its steps, open a diff from the Changes view,
// approve, and find the file changed on disk. A screenshot is saved when a test fails.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, FrameLocator, Page } from 'playwright-core';
import { launchBrowser } from './harness/browser.js';
import { startCodeServer, type CodeServer } from './harness/code-server.js';
import { startTestDaemon, type TestDaemon } from './harness/daemon-process.js';
import { ensureE2eTools } from './harness/e2e-cache.js';
import { makeTestRepo } from './harness/test-repo.js';
import { workbenchUrl } from './harness/workbench-page.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const withoutDaemon = process.env.TANDEM_TESTS_WITHOUT_DAEMON === '1';
const daemonIt = withoutDaemon ? it.skip : it;

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
    await page.goto(workbenchUrl({ origin: server.origin, port: server.port, folder: workspace, extensionDevelopmentPath: repoRoot }));
    await page.locator('.monaco-workbench').waitFor();
    // The status bar item appears once the extension is active: its commands are in the palette from then on.
    await page.locator('.statusbar-item', { hasText: 'Tandem' }).first().waitFor({ timeout: 120_000 });
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !page) return;
    const dir = join(repoRoot, '.tandem-test');
    mkdirSync(dir, { recursive: true });
    const shot = join(dir, `e2e-${this.currentTest.title.replace(/\W+/g, '-')}.png`);
    await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
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
    const before = readFileSync(join(workspace, 'greet.js'), 'utf8');
    await runCommand(page, 'Tandem: Open Panel');
    const panel = panelFrame(page);
    await panel.locator('.connection', { hasText: 'connected' }).waitFor();
    await panel.locator('#prompt').fill('In greet.js, make greet() say "Hi" instead of "Hello".');
    await panel.locator('#start').click();
    await panel.locator('.step').first().waitFor(); // steps appear while the task runs
    await panel.locator('.task-state.state-review').waitFor({ timeout: 10 * 60_000 });
    assert.ok(await panel.locator('.step').count() >= 2, 'the orchestrator and the worker both took steps');

    await runCommand(page, 'Tandem: Show Changes');
    const file = page.locator('.pane-body .monaco-list-row', { hasText: 'greet.js' });
    await file.click();
    await page.locator('.monaco-diff-editor').first().waitFor();

    await runCommand(page, 'Tandem: Approve File');
    let after = before;
    while (after === before) {
      await page.waitForTimeout(250);
      after = readFileSync(join(workspace, 'greet.js'), 'utf8');
    }
    assert.notEqual(after, before, 'the approved change reached the workspace file');
  });
});

async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** Webviews are nested iframes: the ready outer frame, then the active inner one. */
function panelFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

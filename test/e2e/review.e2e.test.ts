// `npm run test:e2e`: review the way people review, by clicking the real VS Code (code-server in
// chromium) against the real daemon. Each case is a task whose diff the test chose (harness/
// review-cases.ts), and each test ends in what is on disk and in the store. TANDEM_E2E_SCREENSHOTS=1
// saves a picture of each to .tandem-test/.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { connectToDaemon, type DaemonClient } from '../../daemon/src/cli/daemon-client.js';
import { tandemPaths } from '../../daemon/src/paths.js';
import { TaskGet } from '../../daemon/src/protocol/messages.js';
import type { TaskState } from '../../daemon/src/protocol/types.js';
import { launchBrowser } from './harness/browser.js';
import { startCodeServer, type CodeServer } from './harness/code-server.js';
import { startTestDaemon, type TestDaemon } from './harness/daemon-process.js';
import { ensureE2eTools } from './harness/e2e-cache.js';
import { makeReviewCases, type ReviewCase } from './harness/review-cases.js';
import { makeTestRepo } from './harness/test-repo.js';
import { runCommand, workbenchUrl } from './harness/workbench-page.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const withoutDaemon = process.env.TANDEM_TESTS_WITHOUT_DAEMON === '1';
const keepScreenshots = process.env.TANDEM_E2E_SCREENSHOTS === '1';
const screenshotDir = join(repoRoot, '.tandem-test');

const numbers = Array.from({ length: 40 }, (_, i) => `number ${i + 1}\n`).join('');
const CASES = {
  edit: { taskId: 'e2e-edit', prompt: 'Greet with Hi (edit then approve)', agentFiles: { 'greet.js': 'export function greet(name) {\n  return "Hi " + name;\n}\n' } },
  hunks: { taskId: 'e2e-hunks', prompt: 'Spell out two numbers (one hunk kept, one dropped)', agentFiles: { 'numbers.txt': numbers.replace('number 3\n', 'number three\n').replace('number 35\n', 'number thirty-five\n') } },
  conflict: { taskId: 'e2e-conflict', prompt: 'Say hi in the README (conflicts with the user)', agentFiles: { 'README.md': '# Greeter\n\nSays hi.\n' } },
  replay: {
    taskId: 'e2e-replay', prompt: 'Add a farewell (replayed in the panel)', withSteps: true,
    agentFiles: { 'farewell.js': 'export const farewell = (name) => "Bye " + name;\n' },
  },
  reject: { taskId: 'e2e-reject', prompt: 'Write notes (rejected with a reason)', agentFiles: { 'notes.txt': 'notes nobody asked for\n' } },
} satisfies Record<string, ReviewCase>;

(withoutDaemon ? describe.skip : describe)('@daemon review by clicking through VS Code (code-server + chromium)', function () {
  this.timeout(15 * 60_000);
  let stateDir: string;
  let workspace: string;
  let daemon: TestDaemon;
  let server: CodeServer;
  let browser: BrowserContext;
  let page: Page;
  let client: DaemonClient;
  let db: Database.Database;
  let tandemHome: string;
  const worktreeOf = (taskId: string) => join(tandemPaths({ TANDEM_HOME: tandemHome }).worktrees, taskId);

  before(async () => {
    execFileSync(process.execPath, ['test/vscode/build-tests.mjs'], { cwd: repoRoot, stdio: 'inherit' });
    const tools = ensureE2eTools(repoRoot);
    stateDir = mkdtempSync(join(tmpdir(), 'tandem-review-e2e-'));
    workspace = makeTestRepo(join(stateDir, 'workspace'));
    writeFileSync(join(workspace, 'numbers.txt'), numbers);
    execFileSync('git', ['add', 'numbers.txt'], { cwd: workspace });
    execFileSync('git', ['commit', '-qm', 'Numbers'], { cwd: workspace });
    tandemHome = join(stateDir, 'tandem-home');
    await makeReviewCases(tandemHome, workspace, Object.values(CASES));
    daemon = await startTestDaemon(repoRoot, tandemHome);
    const found = await connectToDaemon({ paths: tandemPaths({ TANDEM_HOME: tandemHome }) });
    assert.ok(found, 'the test reaches the daemon');
    client = found;
    for (const c of Object.values(CASES)) await until(async () => (await client.request(TaskGet, { taskId: c.taskId })).state === 'review');
    db = new Database(tandemPaths({ TANDEM_HOME: tandemHome }).database, { readonly: true, fileMustExist: true });
    server = await startCodeServer({ tools, stateDir: join(stateDir, 'code-server'), smokeTestDriver: true, env: { TANDEM_HOME: tandemHome } });
    browser = await launchBrowser(join(stateDir, 'chromium'));
    page = browser.pages()[0] ?? (await browser.newPage());
    // A loaded 2-core machine can take longer than playwright's default 30 s to serve the workbench.
    await page.goto(workbenchUrl({ origin: server.origin, port: server.port, folder: workspace, extensionDevelopmentPath: repoRoot }), { timeout: 180_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 180_000 });
    await page.locator('.statusbar-item', { hasText: 'Tandem' }).first().waitFor({ timeout: 120_000 });
    await runCommand(page, 'Tandem: Show Changes');
    for (const c of Object.values(CASES)) await changesRow(page, c.prompt).waitFor({ timeout: 120_000 });
  });

  afterEach(async function () {
    const failed = this.currentTest?.state === 'failed';
    if (!page || (!failed && !keepScreenshots)) return;
    const shot = await screenshot(page, this.currentTest!.title);
    if (failed) console.error(`screenshot of the failure: ${shot}\ndaemon output:\n${daemon?.output().slice(-4000)}`);
    else console.log(`      screenshot: ${shot}`);
  });

  after(async () => {
    db?.close();
    client?.close();
    await browser?.close().catch(() => {});
    await server?.stop();
    await daemon?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('edit the agent\'s side in the diff editor, save, click Approve File in its title: the edit reaches disk, recorded as edited', async () => {
    await openDiffFromChanges(page, CASES.edit.prompt, 'greet.js');
    const modified = page.locator('.monaco-diff-editor .editor.modified .view-lines').first();
    await modified.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('// reviewed by a person\n');
    await page.keyboard.press('Control+S');
    await clickTitleAction(page, 'Approve File');

    const expected = `${CASES.edit.agentFiles['greet.js']}// reviewed by a person\n`;
    await until(() => readFileSync(join(workspace, 'greet.js'), 'utf8') === expected);
    await until(() => taskState(db, CASES.edit.taskId) === 'applied');
    const review = reviewsOf(db, CASES.edit.taskId);
    assert.deepEqual(review.map((r) => [r.path, r.verdict, r.edited]), [['greet.js', 'approve_with_edits', expected]]);
    assert.deepEqual(hunksOf(db, review[0]!.id), ['edited']);
    await changesRow(page, CASES.edit.prompt).waitFor({ state: 'detached' }); // the view settles before the next test clicks in it
  });

  it('revert one hunk with the diff editor\'s own Revert, save, approve the file: only the other hunk reaches disk, each recorded', async () => {
    await openDiffFromChanges(page, CASES.hunks.prompt, 'numbers.txt');
    await page.locator('.monaco-diff-editor .editor.modified .view-lines').first().click();
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').fill(':35');
    await page.keyboard.press('Enter');
    await runCommand(page, 'Diff Editor: Revert');
    await page.keyboard.press('Control+S');
    await until(() => readFileSync(join(worktreeOf(CASES.hunks.taskId), 'numbers.txt'), 'utf8').includes('number 35\n'));
    await clickTitleAction(page, 'Approve File');

    const expected = numbers.replace('number 3\n', 'number three\n');
    await until(() => readFileSync(join(workspace, 'numbers.txt'), 'utf8') === expected);
    await until(() => taskState(db, CASES.hunks.taskId) === 'applied');
    const review = reviewsOf(db, CASES.hunks.taskId);
    assert.deepEqual(review.map((r) => [r.path, r.verdict, r.hunks, r.edited]), [['numbers.txt', 'approve_with_edits', '[0]', expected]]);
    assert.deepEqual(hunksOf(db, review[0]!.id), ['kept', 'dropped']);
    await changesRow(page, CASES.hunks.prompt).waitFor({ state: 'detached' });
  });

  it('approve from the Changes view a file the user changed too: the conflict is shown, the user\'s file and the task are kept', async () => {
    const mine = '# Greeter\n\nSays howdy.\n';
    writeFileSync(join(workspace, 'README.md'), mine); // the user's own uncommitted edit of the same line
    const row = fileRow(page, 'README.md');
    await row.hover();
    await row.locator('.actions .action-label[aria-label^="Approve File"]').click();
    await notification(page, 'could not apply 1 file(s): README.md');

    assert.equal(readFileSync(join(workspace, 'README.md'), 'utf8'), mine, 'the user\'s edit is left as it was');
    const detail = await client.request(TaskGet, { taskId: CASES.conflict.taskId });
    assert.equal(detail.state, 'review', 'the task still waits for review');
    assert.equal(readFileSync(join(detail.worktreePath!, 'README.md'), 'utf8'), CASES.conflict.agentFiles['README.md'], 'the agent\'s version is kept');
    assert.deepEqual(reviewsOf(db, CASES.conflict.taskId), [], 'nothing applied, nothing recorded as approved');
  });

  it('replay a task from the panel step by step: its recorded steps, one by one, and nothing changed', async () => {
    const stepsBefore = db.prepare('SELECT COUNT(*) FROM steps').pluck().get();
    await runCommand(page, 'Tandem: Open Panel');
    const panel = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await panel.locator('li.task', { hasText: CASES.replay.prompt }).locator('.task-replay').click();
    await panel.locator('#task-heading', { hasText: CASES.replay.prompt }).waitFor();
    const position = panel.locator('.position');
    await position.waitFor();
    const total = Number((await position.innerText()).split('/')[1]);
    assert.equal(await position.innerText(), `0/${total}`, 'a replay starts before the first step');
    await panel.getByRole('button', { name: 'Next step' }).click();
    await panel.getByRole('button', { name: 'Show all' }).click();
    assert.equal(await position.innerText(), `${total}/${total}`);
    await panel.locator('.timeline .step.role-orchestrator').first().waitFor();
    await panel.locator('.timeline .step.role-worker').first().waitFor();
    assert.equal(db.prepare('SELECT COUNT(*) FROM steps').pluck().get(), stepsBefore, 'a replay records nothing');
    assert.equal(taskState(db, CASES.replay.taskId), 'review');
  });

  it('reject a task from the Changes view with a reason: recorded, and the agents start the next round with it', async () => {
    const reason = 'No notes file: greet() is the only thing to change.';
    const row = changesRow(page, CASES.reject.prompt);
    await row.hover();
    await row.locator('.actions .action-label[aria-label^="Reject"]').click();
    const input = page.locator('.quick-input-widget input');
    await input.fill(reason);
    await input.press('Enter');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Send back to the agents' }).click();

    await until(async () => (await client.request(TaskGet, { taskId: CASES.reject.taskId })).round === 2);
    assert.deepEqual(reviewsOf(db, CASES.reject.taskId).map((r) => [r.path, r.verdict, r.reason]), [['notes.txt', 'reject', reason]]);
    const feedback = db.prepare('SELECT feedback FROM rounds WHERE task_id = ? AND round = 2').pluck().get(CASES.reject.taskId);
    assert.equal(feedback, reason, 'the next round starts from the reason');
  });
});

interface StoredReview { id: number; path: string; verdict: string; hunks: string | null; reason: string | null; edited: string | null }

function reviewsOf(db: Database.Database, taskId: string): StoredReview[] {
  return db.prepare(`SELECT r.id, r.path, r.verdict, r.hunks_json AS hunks, r.reason, b.content AS edited
    FROM reviews r LEFT JOIN blobs b ON b.hash = r.edited_hash WHERE r.task_id = ? ORDER BY r.id`).all(taskId) as StoredReview[];
}

function hunksOf(db: Database.Database, reviewId: number): string[] {
  return db.prepare('SELECT decision FROM review_hunks WHERE review_id = ? ORDER BY hunk_index').pluck().all(reviewId) as string[];
}

function taskState(db: Database.Database, taskId: string): TaskState | undefined {
  return db.prepare('SELECT state FROM tasks WHERE id = ?').pluck().get(taskId) as TaskState | undefined;
}

/** Polls until true, for at most two minutes. */
async function until(check: () => boolean | Promise<boolean>, what = check.toString()): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Still not true after 2 minutes: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function changesRow(page: Page, prompt: string): Locator {
  return page.locator('.part.sidebar .monaco-list-row[aria-level="1"]', { hasText: prompt });
}

/** A file row in the Changes view; each case changes a file of its own, so the path finds it. */
function fileRow(page: Page, path: string): Locator {
  return page.locator('.part.sidebar .monaco-list-row[aria-level="2"]').filter({ has: page.getByText(path, { exact: true }) });
}

async function openDiffFromChanges(page: Page, prompt: string, path: string): Promise<void> {
  await changesRow(page, prompt).waitFor();
  await fileRow(page, path).click();
  await page.locator('.tab.active', { hasText: `${path} (Tandem: original ↔ agent)` }).waitFor();
  await page.locator('.monaco-diff-editor .editor.modified .view-lines').first().waitFor();
}

/** A notification, looked up in the notification center: a toast may be gone (or never shown) by then. */
async function notification(page: Page, text: string): Promise<void> {
  await runCommand(page, 'Notifications: Show Notifications');
  await page.locator('.notifications-center .notification-list-item', { hasText: text }).first().waitFor();
}

async function clickTitleAction(page: Page, title: string): Promise<void> {
  await page.locator(`.editor-group-container.active .editor-actions .action-label[aria-label^="${title}"]`).click();
}

async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `e2e-review-${name.replace(/\W+/g, '-').slice(0, 80)}.png`);
  await page.screenshot({ path }).catch(() => {});
  return path;
}


// `npm run test:vscode`: runs the mocha suites of test/vscode/ INSIDE a real VS Code extension host
// (code-server in Debian's chromium), against a real daemon, and exits with their exit code.
//   TANDEM_VSCODE_GREP=...        run only matching tests
//   TANDEM_TESTS_WITHOUT_DAEMON=1 run without a daemon: the tests tagged @daemon are skipped, loudly
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchBrowser } from './harness/browser.js';
import { startCodeServer } from './harness/code-server.js';
import { startTestDaemon, type TestDaemon } from './harness/daemon-process.js';
import { ensureE2eTools } from './harness/e2e-cache.js';
import { makeTestRepo } from './harness/test-repo.js';
import { openExtensionTestRun, workbenchUrl } from './harness/workbench-page.js';

const RUN_LIMIT_MS = 15 * 60 * 1000;
const repoRoot = resolve(import.meta.dirname, '..', '..');

async function main(): Promise<number> {
  const testsIndex = join(repoRoot, 'dist', 'test-vscode', 'index.js');
  if (!existsSync(testsIndex)) throw new Error(`${testsIndex} is missing: run \`node test/vscode/build-tests.mjs\` first.`);
  const tools = ensureE2eTools(repoRoot);
  const stateDir = mkdtempSync(join(tmpdir(), 'tandem-vscode-'));
  const tandemHome = join(stateDir, 'tandem-home');
  const workspace = makeTestRepo(join(stateDir, 'workspace'));
  const logFile = join(stateDir, 'mocha.log');
  const withoutDaemon = process.env.TANDEM_TESTS_WITHOUT_DAEMON === '1';
  const cleanups: (() => Promise<void>)[] = [];
  try {
    let daemon: TestDaemon | null = null;
    if (withoutDaemon) {
      console.error('\n!!!!!!!! TANDEM_TESTS_WITHOUT_DAEMON=1: the extension-host tests that need a daemon are SKIPPED !!!!!!!!\n');
    } else {
      daemon = await startTestDaemon(repoRoot, tandemHome);
      cleanups.push(() => daemon!.stop());
    }
    const server = await startCodeServer({
      tools,
      stateDir: join(stateDir, 'code-server'),
      smokeTestDriver: true,
      env: {
        TANDEM_HOME: tandemHome,
        TANDEM_VSCODE_TEST_LOG: logFile,
        TANDEM_VSCODE_TEST_WORKSPACE: workspace,
        TANDEM_VSCODE_TEST_DAEMON_PID: daemon ? String(daemon.pid) : '',
        TANDEM_VSCODE_GREP: process.env.TANDEM_VSCODE_GREP ?? '',
        TANDEM_TESTS_WITHOUT_DAEMON: withoutDaemon ? '1' : '',
      },
    });
    cleanups.push(() => server.stop());
    const browser = await launchBrowser(join(stateDir, 'chromium'));
    cleanups.push(() => browser.close());
    const verbose = process.env.TANDEM_E2E_VERBOSE === '1';
    const run = await openExtensionTestRun(browser, workbenchUrl({
      origin: server.origin,
      port: server.port,
      folder: workspace,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: testsIndex,
    }), (line) => { if (verbose) console.log(line); });
    const timeout = new Promise<number>((resolveTimeout) => setTimeout(() => resolveTimeout(-1), RUN_LIMIT_MS).unref());
    const code = await Promise.race([run.exitCode, timeout]);
    if (existsSync(logFile)) process.stdout.write(readFileSync(logFile, 'utf8'));
    if (code === -1) {
      const shot = join(repoRoot, '.tandem-test', 'vscode-timeout.png');
      await run.page.screenshot({ path: shot }).catch(() => {});
      console.error(`The extension-host tests did not finish within ${RUN_LIMIT_MS / 60000} minutes (screenshot: ${shot}).`);
      console.error(`code-server output:\n${server.output()}`);
      return 1;
    }
    if (code !== 0) {
      const shot = join(repoRoot, '.tandem-test', 'vscode-failure.png');
      await run.page.screenshot({ path: shot }).catch(() => {});
      console.error(`Extension-host tests failed (exit code ${code}; screenshot of the workbench: ${shot}).`);
      if (daemon) console.error(`daemon output:\n${daemon.output()}`);
    }
    return code;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    rmSync(stateDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => { process.exit(code); },
  (error: unknown) => {
    console.error(`test:vscode: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);

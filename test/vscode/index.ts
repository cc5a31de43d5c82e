// The extension-host side of `npm run test:vscode`: VS Code loads this module (extensionTestsPath)
// and calls run(); mocha runs the suites in the same host as the extension under test.
import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';

export async function run(): Promise<void> {
  const { default: Mocha } = await import('mocha');
  // The runner outside reads this file: a remote extension host's console goes nowhere it can see.
  const logFile = process.env.TANDEM_VSCODE_TEST_LOG;
  const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
  const consoleLog = base.consoleLog;
  const log = (...args: unknown[]) => {
    if (logFile) appendFileSync(logFile, format(...args) + '\n');
    consoleLog(...args);
  };
  base.consoleLog = log;

  const withoutDaemon = process.env.TANDEM_TESTS_WITHOUT_DAEMON === '1';
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 300_000, reporter: 'spec' });
  if (process.env.TANDEM_VSCODE_GREP) mocha.grep(process.env.TANDEM_VSCODE_GREP);
  else if (withoutDaemon) mocha.grep('@daemon').invert();
  const suiteDir = join(__dirname, 'suite');
  for (const file of readdirSync(suiteDir).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(join(suiteDir, file));
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (withoutDaemon) log('\n!!!!!!!! TANDEM_TESTS_WITHOUT_DAEMON=1: tests tagged @daemon were SKIPPED !!!!!!!!');
  if (failures > 0) throw new Error(`${failures} extension-host test(s) failed.`);
}

// Opens the workbench in the browser; for extension-host tests, with the smoke-test driver's hooks.
import type { BrowserContext, Page } from 'playwright-core';

export interface WorkbenchUrlOptions {
  origin: string;
  port: number;
  folder: string;
  extensionDevelopmentPath: string;
  extensionTestsPath?: string;
}

/** The payload form the workbench reads: a list of [key, value] pairs, with vscode-remote URIs. */
export function workbenchUrl(options: WorkbenchUrlOptions): string {
  const remote = (path: string) => `vscode-remote://127.0.0.1:${options.port}${path}`;
  const payload: [string, string][] = [['extensionDevelopmentPath', remote(options.extensionDevelopmentPath)]];
  if (options.extensionTestsPath) payload.push(['extensionTestsPath', remote(options.extensionTestsPath)]);
  return `${options.origin}/?folder=${encodeURIComponent(options.folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export interface ExtensionTestRun {
  page: Page;
  /** Resolves with the exit code the extension host reported through codeAutomationExit. */
  exitCode: Promise<number>;
}

/** The smoke-test driver calls these two page functions: one per log line, one with the exit code. */
export async function openExtensionTestRun(context: BrowserContext, url: string, log: (line: string) => void): Promise<ExtensionTestRun> {
  let reportExit: (code: number) => void = () => {};
  const exitCode = new Promise<number>((resolve) => { reportExit = resolve; });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
    log(`[${type}] ${(Array.isArray(args) ? args : [args]).map(String).join(' ')}`);
  });
  await page.exposeFunction('codeAutomationExit', (code: number) => { reportExit(code); });
  page.on('console', (message) => log(`[browser ${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => log(`[page error] ${error.message}`));
  // A busy 2-core machine can take longer than playwright's default 30 s to serve the workbench.
  await page.goto(url, { timeout: 180_000 });
  return { page, exitCode };
}

/** Runs a command from the palette (F1) by its title, as a user would. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}

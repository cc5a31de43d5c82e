// Starts code-server on 127.0.0.1 with its own dirs and HOME, so a test never touches the user's VS Code.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { E2eTools } from './e2e-cache.js';

export interface CodeServer {
  port: number;
  origin: string;
  /** Everything code-server printed, for failure reports. */
  output(): string;
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  tools: E2eTools;
  /** A temp dir owned by the test: HOME, XDG dirs, user data and extensions live under it. */
  stateDir: string;
  env?: NodeJS.ProcessEnv;
  /** Needed for extension-host tests: without it the workbench ignores the test payload. */
  smokeTestDriver?: boolean;
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const { tools, stateDir } = options;
  const port = await freePort();
  const dirs = {
    home: join(stateDir, 'home'),
    userData: join(stateDir, 'user-data'),
    extensions: join(stateDir, 'extensions'),
    config: join(stateDir, 'config.yaml'),
  };
  for (const dir of [dirs.home, dirs.userData, dirs.extensions]) mkdirSync(dir, { recursive: true });
  writeFileSync(dirs.config, 'auth: none\ncert: false\n');
  // Quiet, deterministic workbench: no welcome page, no trust prompt, no telemetry.
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'security.workspace.trust.enabled': false,
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'update.mode': 'none',
    // No chat side bar beside the panel under test.
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    // Tests start the daemon themselves; a detached daemon started by the extension would outlive them.
    'tandem.daemon.autoStart': false,
  }));

  const args = [
    tools.codeServerEntry,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    '--config', dirs.config,
    ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
  ];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    HOME: dirs.home,
    XDG_CONFIG_HOME: join(dirs.home, '.config'),
    XDG_DATA_HOME: join(dirs.home, '.local', 'share'),
    XDG_CACHE_HOME: join(dirs.home, '.cache'),
    XDG_RUNTIME_DIR: join(dirs.home, '.run'),
  };
  mkdirSync(env.XDG_RUNTIME_DIR!, { recursive: true, mode: 0o700 });
  const child = spawn(tools.node, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => { output = (output + chunk.toString()).slice(-200_000); };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);

  const origin = `http://127.0.0.1:${port}`;
  await waitUntilHealthy(origin, child, () => output);
  return { port, origin, output: () => output, stop: () => stopProcess(child) };
}

async function waitUntilHealthy(origin: string, child: ChildProcess, output: () => string): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode} before it was ready:\n${output()}`);
    try {
      const response = await fetch(`${origin}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stopProcess(child);
  throw new Error(`code-server did not answer on ${origin} within 2 minutes:\n${output()}`);
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

// Starts `tandem daemon` with the user's Node, outside VS Code's extension host: the daemon's native
// modules must match the Node that loads them. It is detached, so other windows can share it.
import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { resolveDaemonEntry } from './daemon-runtime.js';

export type LaunchFailure =
  | { kind: 'no-node'; message: string }
  | { kind: 'old-node'; message: string }
  | { kind: 'no-daemon'; message: string }
  | { kind: 'no-runtime'; message: string; installCommand: string }
  | { kind: 'exited'; message: string };

export type LaunchResult = { ok: true; pid: number; logFile: string } | { ok: false; failure: LaunchFailure };

export const MIN_NODE = [20, 19] as const;

export interface LaunchOptions {
  nodePath: string;
  /** The installed extension's root: the daemon bundle is dist/daemon/cli.js inside it. */
  extensionRoot: string;
  tandemHome: string;
  logsDir: string;
  env: NodeJS.ProcessEnv;
}

export function daemonLogFile(logsDir: string): string {
  return join(logsDir, 'daemon.log');
}

export async function launchDaemon(options: LaunchOptions): Promise<LaunchResult> {
  const bundle = join(options.extensionRoot, 'dist', 'daemon', 'cli.js');
  if (!existsSync(bundle)) return { ok: false, failure: { kind: 'no-daemon', message: `The daemon bundle ${bundle} is missing; reinstall the extension.` } };
  const version = await nodeVersion(options.nodePath, options.env);
  if (!version.ok) return { ok: false, failure: version.failure };
  const [major, minor] = version.version;
  if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
    const message = `Tandem's daemon needs Node ${MIN_NODE.join('.')} or newer; ${options.nodePath} is ${version.version.join('.')}. Set "tandem.nodePath".`;
    return { ok: false, failure: { kind: 'old-node', message } };
  }
  const entry = resolveDaemonEntry(options.extensionRoot, options.tandemHome, options.nodePath);
  if (!entry.ok) {
    const message = `The daemon's native modules (node-llama-cpp, better-sqlite3) are not installed for ${options.nodePath}. Install them once into ${entry.runtimeDir}.`;
    return { ok: false, failure: { kind: 'no-runtime', message, installCommand: entry.installCommand } };
  }
  const cli = entry.cli;
  mkdirSync(options.logsDir, { recursive: true });
  const logFile = daemonLogFile(options.logsDir);
  const fd = openSync(logFile, 'a', 0o600);
  try {
    const child = spawn(options.nodePath, [cli, 'daemon'], { env: options.env, detached: true, stdio: ['ignore', fd, fd] });
    const early = await new Promise<LaunchFailure | null>((resolve) => {
      child.once('error', (error) => resolve({ kind: 'no-node', message: `Cannot run ${options.nodePath}: ${error.message}` }));
      child.once('exit', (code, signal) => resolve({ kind: 'exited', message: `The daemon exited at start (${signal ?? `code ${code}`}); see ${logFile}.` }));
      child.once('spawn', () => setTimeout(() => resolve(null), 300));
    });
    if (early || child.pid === undefined) return { ok: false, failure: early ?? { kind: 'exited', message: 'The daemon did not start.' } };
    child.unref();
    return { ok: true, pid: child.pid, logFile };
  } finally {
    closeSync(fd);
  }
}

type VersionResult = { ok: true; version: [number, number] } | { ok: false; failure: LaunchFailure };

function nodeVersion(nodePath: string, env: NodeJS.ProcessEnv): Promise<VersionResult> {
  return new Promise((resolve) => {
    execFile(nodePath, ['-p', 'process.versions.node'], { env, timeout: 15_000 }, (error, stdout) => {
      if (error) {
        const message = (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? `No Node.js found at "${nodePath}". Install Node ${MIN_NODE.join('.')}+ or set "tandem.nodePath".`
          : `Running "${nodePath}" failed: ${error.message}`;
        return resolve({ ok: false, failure: { kind: 'no-node', message } });
      }
      const [major, minor] = stdout.trim().split('.').map(Number);
      resolve({ ok: true, version: [major ?? 0, minor ?? 0] });
    });
  });
}

// Where the installed extension finds the daemon's native modules. The .vsix carries the daemon
// bundle (dist/daemon/cli.js) but not node-llama-cpp or better-sqlite3: they must be built for the
// user's Node, not VS Code's. They live in a runtime folder under TANDEM_HOME, installed once with
// the user's Node; the bundle is copied beside them so ESM resolution finds runtime/node_modules.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const NATIVE_PACKAGES = ['node-llama-cpp@3.22.1', 'better-sqlite3@^12.9.0'] as const;

export type DaemonEntry = { ok: true; cli: string } | { ok: false; runtimeDir: string; installCommand: string };

export function resolveDaemonEntry(extensionRoot: string, tandemHome: string, nodePath: string): DaemonEntry {
  const bundled = join(extensionRoot, 'dist', 'daemon', 'cli.js');
  // A development checkout (or an install with dependencies) resolves them from its own node_modules.
  if (existsSync(join(extensionRoot, 'node_modules', 'node-llama-cpp'))) return { ok: true, cli: bundled };
  const runtimeDir = join(tandemHome, 'runtime');
  const installed = NATIVE_PACKAGES.every((p) => existsSync(join(runtimeDir, 'node_modules', p.slice(0, p.lastIndexOf('@')))));
  if (!installed) {
    const npm = join(nodePath === 'node' ? '' : join(nodePath, '..'), 'npm');
    return { ok: false, runtimeDir, installCommand: `${npm} install --prefix "${runtimeDir}" ${NATIVE_PACKAGES.join(' ')}` };
  }
  const cli = join(runtimeDir, 'daemon', 'cli.js');
  mkdirSync(join(runtimeDir, 'daemon'), { recursive: true });
  copyFileSync(bundled, cli); // refreshed on every start, so an extension update takes effect
  return { ok: true, cli };
}

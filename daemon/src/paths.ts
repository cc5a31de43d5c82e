// Where Tandem keeps its files. TANDEM_HOME overrides everything (tests point it at a temp dir).
import { lstatSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface TandemPaths {
  home: string;
  database: string;
  models: string;
  adapters: string;
  adapterRegistry: string;
  config: string;
  logs: string;
  worktrees: string;
  /** The daemon's discovery file: port, pid and token, mode 0600. */
  discovery: string;
}

export function tandemPaths(env: NodeJS.ProcessEnv = process.env): TandemPaths {
  const home = env.TANDEM_HOME ?? join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'tandem');
  const runtime = env.TANDEM_HOME ? home : privateRuntimeDir(env.XDG_RUNTIME_DIR) ?? home;
  return {
    home,
    database: join(home, 'tandem.db'),
    models: join(home, 'models'),
    adapters: join(home, 'adapters'),
    adapterRegistry: join(home, 'adapters', 'registry.json'),
    config: join(home, 'config.json'),
    logs: join(home, 'logs'),
    worktrees: join(home, 'worktrees'),
    discovery: join(runtime, 'tandem-daemon.json'),
  };
}

/**
 * XDG_RUNTIME_DIR when it is a directory of this user that nobody else can enter (mode 0700), else
 * null: in a shared or world-writable one another user could plant the discovery file, or links
 * where the daemon writes it. Tandem's own home is the private fallback.
 */
export function privateRuntimeDir(dir: string | undefined): string | null {
  if (!dir) return null;
  if (process.platform === 'win32' || typeof process.getuid !== 'function') return dir;
  try {
    const info = lstatSync(dir);
    return info.isDirectory() && info.uid === process.getuid() && (info.mode & 0o077) === 0 ? dir : null;
  } catch {
    return null;
  }
}

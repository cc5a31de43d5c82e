// The warning VS Code shows when the user allows a command where no sandbox works: the daemon refuses
// to run such commands, and a "did not run" deep in a task's timeline is easy to miss. Pure, so it is
// unit-tested without VS Code; sandbox-notice.ts shows it.
import type { SandboxStatus } from '../../daemon/src/protocol/sandbox-status.js';

/** The warning's text, or null when there is nothing to warn about (no command allowed, or a sandbox works or was opted out of). */
export function sandboxWarning(sandbox: SandboxStatus | undefined, allowed: Record<string, readonly string[]>): string | null {
  const repos = Object.entries(allowed).filter(([, commands]) => commands.length > 0).map(([repo]) => repo);
  if (!sandbox || sandbox.mode !== 'none' || repos.length === 0) return null;
  const where = repos.length === 1 ? repos[0] : `${repos.length} repositories`;
  return `Tandem: commands are allowed in ${where}, but no sandbox works here (${sandbox.reason}), so the daemon refuses to run them. `
    + 'Install bubblewrap (Debian/Ubuntu: sudo apt install bubblewrap), or set TANDEM_UNSANDBOXED_COMMANDS=1 in the daemon\'s '
    + 'environment to run them unsandboxed, as you, with everything you can reach.';
}

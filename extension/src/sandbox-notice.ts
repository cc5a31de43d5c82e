// Says plainly, as a warning, when commands are allowed but the daemon has no sandbox to run them in
// (its status's sandbox part): checked each time the daemon answers a settings push with its allowlists.
import * as vscode from 'vscode';
import type { DaemonClient } from '../../daemon/src/client/daemon-client.js';
import { Status } from '../../daemon/src/protocol/messages.js';
import { sandboxWarning } from './sandbox-warning.js';

export async function warnIfNoSandbox(client: DaemonClient, allowed: Record<string, readonly string[]>): Promise<string | null> {
  if (!Object.values(allowed).some((commands) => commands.length > 0)) return null;
  const warning = sandboxWarning((await client.request(Status)).sandbox, allowed);
  if (warning) {
    void vscode.window.showWarningMessage(warning, 'Show Daemon Log').then((choice) => {
      if (choice) void vscode.commands.executeCommand('tandem.showLog');
    });
  }
  return warning;
}

// Keeps a running daemon on VS Code's settings: all of them on every (re)connect, what changed on
// every change. What the daemon refuses, and what waits for its restart, is shown to the user.
import * as vscode from 'vscode';
import { DaemonShutdown } from '../../daemon/src/protocol/daemon-lifecycle.js';
import { DaemonSettings, type PendingSetting } from '../../daemon/src/protocol/daemon-settings.js';
import { AdaptersUse } from '../../daemon/src/protocol/messages.js';
import type { DaemonClient } from './daemon/daemon-client.js';
import type { DaemonConnection } from './daemon/daemon-connection.js';
import type { DaemonLog } from './daemon-log.js';
import { readSettings } from './settings.js';
import { settingsRequests, type DaemonFacingSettings, type SettingsRequest } from './settings-requests.js';

export class SettingsSync implements vscode.Disposable {
  private sent: DaemonFacingSettings | null = null;
  /** One push at a time, in order, so a later change never lands before an earlier one. */
  private queue: Promise<void> = Promise.resolve();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly connection: DaemonConnection, private readonly log: DaemonLog) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      const client = this.connection.client;
      // Not connected: the next connect sends everything.
      if (event.affectsConfiguration('tandem') && client) void this.push(client, 'change');
    });
  }

  /** Sends every setting to a client that just connected; resolves once the daemon has answered. */
  connected(client: DaemonClient): Promise<void> {
    return this.push(client, 'connect');
  }

  dispose(): void {
    this.subscription.dispose();
  }

  private push(client: DaemonClient, on: 'connect' | 'change'): Promise<void> {
    this.queue = this.queue.then(async () => {
      const { model, threads, adapters, allowedCommands } = readSettings();
      const now = { model, threads, adapters, allowedCommands };
      const requests = settingsRequests(this.sent, now, on);
      this.sent = now;
      const outcomes = await Promise.all(requests.map((request) => this.send(client, request)));
      const refused = outcomes.filter((o): o is string => typeof o === 'string');
      const pending = outcomes.flatMap((o) => (Array.isArray(o) ? o : []));
      if (refused.length) this.showRefused(refused);
      if (pending.length) this.showPending(client, pending);
    }).catch((error: Error) => this.log.info(`settings: ${error.message}`));
    return this.queue;
  }

  /** The settings the daemon could not apply yet, or the message of its refusal. */
  private async send(client: DaemonClient, request: SettingsRequest): Promise<PendingSetting[] | string> {
    try {
      if (request.kind === 'adapter') {
        await client.request(AdaptersUse, request.params);
        return [];
      }
      return (await client.request(DaemonSettings, request.params)).pending;
    } catch (error) {
      const message = (error as Error).message;
      this.log.info(`settings: ${message}`);
      return request.kind === 'adapter' ? `tandem.adapters.${request.params.role}: ${message}` : message;
    }
  }

  private showRefused(messages: string[]): void {
    void vscode.window.showWarningMessage(`Tandem: ${messages.join(' ')}`, 'Open Settings').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'tandem.');
    });
  }

  private showPending(client: DaemonClient, pending: PendingSetting[]): void {
    const text = `Tandem: ${pending.map((p) => p.message).join(' ')}`;
    if (!readSettings().autoStart) {
      void vscode.window.showInformationMessage(`${text} Stop it and start it again (\`tandem daemon\`) to use the new settings.`);
      return;
    }
    // The connection starts a new daemon, with the settings as they are then, once this one is gone.
    void vscode.window.showInformationMessage(`${text} Restarting it interrupts the tasks it is running.`, 'Restart Daemon').then((choice) => {
      if (choice) void client.request(DaemonShutdown).catch((error: Error) => this.log.info(`restart: ${error.message}`));
    });
  }
}

// Keeps a running daemon on VS Code's settings: all of them on every (re)connect, what changed on
// every change. What the daemon refuses, and what waits for its restart, is shown to the user.
import * as vscode from 'vscode';
import { DaemonShutdown } from '../../daemon/src/protocol/daemon-lifecycle.js';
import { DaemonSettings, type PendingSetting, type SettingsOutcome } from '../../daemon/src/protocol/daemon-settings.js';
import { AdaptersUse } from '../../daemon/src/protocol/messages.js';
import type { DaemonClient } from '../../daemon/src/client/daemon-client.js';
import type { DaemonConnection } from './daemon/daemon-connection.js';
import type { DaemonLog } from './daemon-log.js';
import { readSettings } from './settings.js';
import { settingsRequests, type DaemonFacingSettings, type SettingsRequest } from './settings-requests.js';

const METHOD_NOT_FOUND = -32601;

export class SettingsSync implements vscode.Disposable {
  private sent: DaemonFacingSettings | null = null;
  /** One push at a time, in order, so a later change never lands before an earlier one. */
  private queue: Promise<void> = Promise.resolve();
  private readonly subscription: vscode.Disposable;
  private readonly appliedEmitter = new vscode.EventEmitter<Record<string, string[]>>();
  /** After each push: the allowed commands the daemon now has for each repository it was sent. */
  readonly onDidApply = this.appliedEmitter.event;
  private readonly pendingEmitter = new vscode.EventEmitter<PendingSetting[]>();
  /** After a push that left settings waiting for a daemon restart (the user is offered one). */
  readonly onDidPend = this.pendingEmitter.event;

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
    this.appliedEmitter.dispose();
    this.pendingEmitter.dispose();
  }

  private push(client: DaemonClient, on: 'connect' | 'change'): Promise<void> {
    this.queue = this.queue.then(async () => {
      const { model, threads, adapters, allowedCommands, critic, attempts, gpuLayers, contextSize } = readSettings();
      const now = { model, threads, adapters, allowedCommands, critic, attempts, gpuLayers, contextSize };
      const requests = settingsRequests(this.sent, now, on);
      this.sent = now;
      const outcomes = await Promise.all(requests.map((request) => this.send(client, request)));
      const refused = outcomes.filter((o): o is string => typeof o === 'string');
      const applied = outcomes.filter((o): o is SettingsOutcome => typeof o === 'object');
      const pending = applied.flatMap((o) => o.pending);
      if (refused.length) this.showRefused([...new Set(refused)]);
      if (pending.length) {
        this.showPending(client, pending);
        this.pendingEmitter.fire(pending);
      }
      this.appliedEmitter.fire(Object.assign({}, ...applied.map((o) => o.allowedCommands)));
    }).catch((error: Error) => this.log.info(`settings: ${error.message}`));
    return this.queue;
  }

  /** What the daemon did with the request, or the message of its refusal. */
  private async send(client: DaemonClient, request: SettingsRequest): Promise<SettingsOutcome | string> {
    try {
      if (request.kind === 'adapter') {
        await client.request(AdaptersUse, request.params);
        return { allowedCommands: {}, pending: [] };
      }
      return await client.request(DaemonSettings, request.params);
    } catch (error) {
      const { message, code } = error as { message: string; code?: number };
      this.log.info(`settings: ${message}`);
      if (request.kind === 'adapter') return `tandem.adapters.${request.params.role}: ${message}`;
      return code === METHOD_NOT_FOUND ? 'The running daemon is older than this extension and takes no settings while it runs; restart it to use them.' : message;
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

// Hosts the panel: one webview, kept while hidden so live timelines survive switching tabs.
// Protocol requests from the panel are forwarded by name to the daemon; task events from the
// daemon are forwarded as they come (deltas only, never snapshots).
import * as vscode from 'vscode';
import type { TaskEvent } from '../../../daemon/src/protocol/events.js';
import type { HostToPanel, PanelToHost } from '../../../webview-ui/src/host-messages.js';
import type { DaemonConnection } from '../daemon/daemon-connection.js';
import { panelHtml } from './webview-html.js';

export class PanelHost implements vscode.Disposable {
  private panel: vscode.WebviewPanel | null = null;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri, private readonly connection: DaemonConnection) {
    this.subscriptions.push(connection.onDidChangeState(() => this.postConnection()));
  }

  get isOpen(): boolean {
    return this.panel !== null;
  }

  show(): void {
    if (this.panel) return this.panel.reveal();
    const panel = vscode.window.createWebviewPanel('tandem.panel', 'Tandem', vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview')],
    });
    panel.webview.html = panelHtml(panel.webview, this.extensionUri);
    panel.webview.onDidReceiveMessage((message: PanelToHost) => void this.receive(message));
    panel.onDidDispose(() => { this.panel = null; });
    this.panel = panel;
  }

  /** Called for every task event the extension receives. */
  forward(event: TaskEvent): void {
    this.post({ kind: 'event', event });
  }

  dispose(): void {
    this.panel?.dispose();
    this.subscriptions.forEach((s) => s.dispose());
  }

  private async receive(message: PanelToHost): Promise<void> {
    switch (message.kind) {
      case 'ready':
        this.postConnection();
        this.post({ kind: 'folders', folders: (vscode.workspace.workspaceFolders ?? []).map((f) => ({ name: f.name, path: f.uri.fsPath })) });
        return;
      case 'command':
        if (!message.command.startsWith('tandem.')) return;
        await vscode.commands.executeCommand(message.command, ...message.args);
        return;
      case 'request':
        return this.forwardRequest(message.id, message.method, message.params);
    }
  }

  private async forwardRequest(id: number, method: string, params: unknown): Promise<void> {
    try {
      // The panel may only speak the task protocol: nothing else the connection knows, and not the
      // daemon's own lifecycle (stopping it would cut off every other window).
      if (!method.startsWith('tandem/') || method.startsWith('tandem/daemon/')) throw new Error(`Not a request the panel may send: ${method}`);
      const result = await this.connection.requireClient().requestByName(method, params);
      this.post({ kind: 'response', id, result });
    } catch (error) {
      const { message, code } = error as { message: string; code?: number };
      this.post({ kind: 'response', id, error: { message, code } });
    }
  }

  private postConnection(): void {
    this.post({ kind: 'connection', state: this.connection.state, detail: this.connection.detail });
  }

  private post(message: HostToPanel): void {
    void this.panel?.webview.postMessage(message);
  }
}

// Everything the extension's commands work with, built once in activate() (rust-analyzer's ctx).
import * as vscode from 'vscode';
import type { TaskEvent } from '../../daemon/src/protocol/events.js';
import { TaskSubscribe } from '../../daemon/src/protocol/messages.js';
import type { DaemonClient } from '../../daemon/src/client/daemon-client.js';
import { ClustersTree } from './clusters/clusters-tree.js';
import { DaemonConnection } from './daemon/daemon-connection.js';
import { DaemonLog } from './daemon-log.js';
import { PanelHost } from './panel/panel-host.js';
import { ChangesTree } from './review/changes-tree.js';
import { HunkLenses } from './review/hunk-lenses.js';
import { ORIGINAL_SCHEME, OriginalContentProvider } from './review/original-content.js';
import { ReviewActions } from './review/review-actions.js';
import { TaskReviews } from './review/task-reviews.js';
import { SettingsSync } from './settings-sync.js';
import { showTaskFailure } from './task-failure-notice.js';
import { warnIfNoSandbox } from './sandbox-notice.js';
import { StatusBar } from './status-bar.js';

export class TandemContext implements vscode.Disposable {
  readonly log = new DaemonLog();
  readonly connection: DaemonConnection;
  readonly reviews: TaskReviews;
  readonly review: ReviewActions;
  readonly hunkLenses: HunkLenses;
  readonly panel: PanelHost;
  readonly statusBar: StatusBar;
  readonly settings: SettingsSync;
  readonly clusters = new ClustersTree();
  private readonly eventEmitter = new vscode.EventEmitter<TaskEvent>();
  /** Every task event from the daemon; tests and views listen here. */
  readonly onTaskEvent = this.eventEmitter.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly extension: vscode.ExtensionContext) {
    this.connection = new DaemonConnection(extension.extensionUri.fsPath, this.log);
    this.reviews = new TaskReviews();
    this.review = new ReviewActions(this.connection, this.reviews);
    this.hunkLenses = new HunkLenses(this.connection, this.reviews);
    this.panel = new PanelHost(extension.extensionUri, this.connection);
    this.statusBar = new StatusBar(this.connection);
    this.settings = new SettingsSync(this.connection, this.log);
    this.disposables.push(
      this.panel, this.statusBar, this.settings, this.reviews, this.connection, this.log, this.eventEmitter,
      vscode.workspace.registerTextDocumentContentProvider(ORIGINAL_SCHEME, new OriginalContentProvider(this.connection)),
      vscode.window.createTreeView('tandem.changes', { treeDataProvider: new ChangesTree(this.reviews), showCollapseAll: true }),
      this.clusters, vscode.window.createTreeView('tandem.clusters', { treeDataProvider: this.clusters }),
      this.hunkLenses,
      vscode.languages.registerCodeLensProvider({ scheme: 'file' }, this.hunkLenses),
      vscode.workspace.onDidSaveTextDocument(() => this.hunkLenses.refresh()),
      // The diff editor's title buttons show only on a review's files: their worktree paths, as a context key.
      this.reviews.onDidChange(() => {
        this.hunkLenses.refresh();
        void vscode.commands.executeCommand('setContext', 'tandem.reviewPaths', this.reviews.worktreePaths());
      }),
      // Allowed commands where no sandbox works are refused by the daemon: say so plainly, with the fix.
      this.settings.onDidApply((allowed) => {
        const client = this.connection.client;
        if (client) void warnIfNoSandbox(client, allowed).catch((error: Error) => this.log.info(`sandbox check: ${error.message}`));
      }),
      this.connection.onDidChangeState(() => this.statusBar.render()),
      this.connection.onDidConnect((client) => void this.connected(client)),
    );
  }

  start(): void {
    this.connection.start();
  }

  client(): DaemonClient {
    return this.connection.requireClient();
  }

  dispose(): void {
    this.disposables.reverse().forEach((d) => d.dispose());
  }

  private async connected(client: DaemonClient): Promise<void> {
    client.onTaskEvent((event) => {
      this.panel.forward(event);
      this.statusBar.onEvent(event);
      this.eventEmitter.fire(event);
      showTaskFailure(event);
      void this.reviews.onEvent(client, event).catch((error: Error) => this.log.info(`review refresh failed: ${error.message}`));
      if (event.type === 'task.state') void this.statusBar.refresh(client).catch(() => {});
    });
    // Another window, the CLI or this one changed an adapter: the status bar shows the versions in use now.
    client.onAdaptersChanged((change) => {
      this.log.info(`adapters: ${change.role} v${change.version ?? 'base'} ${change.change}; active v${change.active ?? 'base'}`);
      void this.statusBar.refresh(client).catch(() => {});
      void this.clusters.refresh(client).catch(() => {});
    });
    try {
      await client.request(TaskSubscribe, { taskId: '*' });
      await this.settings.connected(client);
      await Promise.all([this.statusBar.refresh(client), this.reviews.reload(client), this.clusters.refresh(client)]);
    } catch (error) {
      this.log.info(`after connecting: ${(error as Error).message}`);
    }
  }
}

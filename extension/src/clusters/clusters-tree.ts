// The "Tandem Clusters" view: the kinds of work `tandem clusters` found, each with its task count and the
// adapter each role runs for it. Read from the daemon (tandem/clusters/list) on connect, when adapters
// change, and on Refresh; clustering itself stays a deliberate step (`tandem clusters`).
import * as vscode from 'vscode';
import type { DaemonClient } from '../../../daemon/src/client/daemon-client.js';
import { ClustersList } from '../../../daemon/src/protocol/work-clusters.js';
import { clusterRows, type ClusterRow } from './cluster-items.js';

type ClusterNode = { kind: 'cluster'; row: ClusterRow } | { kind: 'adapter'; cluster: number; line: string };

export class ClustersTree implements vscode.TreeDataProvider<ClusterNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private rows: ClusterRow[] = [];

  async refresh(client: DaemonClient): Promise<void> {
    this.rows = clusterRows(await client.request(ClustersList));
    this.changed.fire();
  }

  getChildren(node?: ClusterNode): ClusterNode[] {
    if (!node) return this.rows.map((row) => ({ kind: 'cluster', row }));
    return node.kind === 'cluster' ? node.row.adapters.map((line) => ({ kind: 'adapter', cluster: node.row.cluster, line })) : [];
  }

  getTreeItem(node: ClusterNode): vscode.TreeItem {
    if (node.kind === 'adapter') {
      const item = new vscode.TreeItem(node.line, vscode.TreeItemCollapsibleState.None);
      item.id = `cluster:${node.cluster}:${node.line.split(':')[0]}`;
      item.iconPath = new vscode.ThemeIcon('layers');
      return item;
    }
    const item = new vscode.TreeItem(node.row.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `cluster:${node.row.cluster}`;
    item.description = node.row.description;
    item.tooltip = node.row.tooltip;
    item.iconPath = new vscode.ThemeIcon('symbol-class');
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

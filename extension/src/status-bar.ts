// The status bar item: daemon state, model, each role's adapter version, a spinner while generating.
import * as vscode from 'vscode';
import type { TaskEvent } from '../../daemon/src/protocol/events.js';
import { Status, type DaemonStatus } from '../../daemon/src/protocol/messages.js';
import { ROLES, type AdapterRef, type Role } from '../../daemon/src/protocol/types.js';
import type { DaemonClient } from './daemon/daemon-client.js';
import type { DaemonConnection } from './daemon/daemon-connection.js';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('tandem.status', vscode.StatusBarAlignment.Left, 10);
  private status: DaemonStatus | null = null;
  /** Steps generating right now, by stepKey: several tasks may run at once. */
  private readonly generating = new Map<string, string>(); // stepKey -> taskId

  constructor(private readonly connection: DaemonConnection) {
    this.item.name = 'Tandem';
    this.item.command = 'tandem.openPanel';
    this.render();
    this.item.show();
  }

  async refresh(client: DaemonClient): Promise<void> {
    this.status = await client.request(Status);
    this.render();
  }

  onEvent(event: TaskEvent): void {
    if (event.type === 'step.started') {
      this.generating.set(event.stepKey, event.taskId);
      if (this.status) this.status.adapters[event.role] = event.adapter;
    } else if (event.type === 'step.finished') {
      this.generating.delete(event.stepKey);
    } else if (event.type === 'task.state' && event.state !== 'running') {
      for (const [key, taskId] of this.generating) if (taskId === event.taskId) this.generating.delete(key);
    } else {
      return;
    }
    this.render();
  }

  render(): void {
    const state = this.connection.state;
    if (state !== 'connected') {
      this.status = state === 'failed' || state === 'offline' ? null : this.status;
      this.generating.clear();
      const icon = state === 'failed' ? '$(error)' : state === 'offline' ? '$(debug-disconnect)' : '$(loading~spin)';
      this.item.text = `${icon} Tandem: ${state}`;
      this.item.tooltip = `Tandem daemon ${state}${this.connection.detail ? ` (${this.connection.detail})` : ''}. Click to open the panel.`;
      return;
    }
    const status = this.status;
    const busy = this.generating.size > 0 || status?.generating === true;
    const adapters = status ? ROLES.map((role) => `${short(role)} ${version(status.adapters[role])}`).join(' · ') : '';
    this.item.text = `${busy ? '$(sync~spin)' : '$(hubot)'} Tandem${status?.model ? `: ${status.model.name}` : ''}${adapters ? ` · ${adapters}` : ''}`;
    this.item.tooltip = status ? tooltip(status, busy) : 'Tandem daemon connected';
  }

  dispose(): void {
    this.item.dispose();
  }
}

function short(role: Role): string {
  return role === 'orchestrator' ? 'orch' : role;
}

function version(adapter: AdapterRef | undefined): string {
  return adapter?.version ? `v${adapter.version}` : 'base';
}

function tooltip(status: DaemonStatus, busy: boolean): vscode.MarkdownString {
  const lines = [
    `**Tandem daemon** ${status.version} (pid ${status.pid})${busy ? ' — generating' : ''}`,
    '',
    `Model: ${status.model ? `${status.model.name}${status.model.fixture ? ' (test fixture: output means nothing)' : ''}` : 'none loaded'}`,
    `Backend: ${status.backend}, ${status.threads} threads · tasks running: ${status.tasksRunning}`,
    ...ROLES.map((role) => `${role}: adapter ${version(status.adapters[role])}${status.adapters[role]?.sha256 ? ` (${status.adapters[role].sha256!.slice(0, 12)})` : ''}`),
    '',
    'Click to open the Tandem panel.',
  ];
  return new vscode.MarkdownString(lines.join('  \n'));
}

// The status bar item: daemon state, model, each role's adapter version, a spinner while generating,
// and while the daemon warms the model up after loading, what it is doing ("preparing GPU kernels").
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
  /** Asks again while the daemon warms up: no event says when it is done. */
  private warmupPoll: NodeJS.Timeout | undefined;

  constructor(private readonly connection: DaemonConnection) {
    this.item.name = 'Tandem';
    this.item.command = 'tandem.openPanel';
    this.render();
    this.item.show();
  }

  async refresh(client: DaemonClient): Promise<void> {
    this.status = await client.request(Status);
    this.render();
    clearTimeout(this.warmupPoll);
    if (this.status.warmup?.state === 'preparing') {
      this.warmupPoll = setTimeout(() => void this.refresh(client).catch(() => undefined), WARMUP_POLL_MS);
    }
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
    this.item.text = status?.warmup?.state === 'preparing'
      ? `$(loading~spin) Tandem: ${status.warmup.label}…`
      : `${busy ? '$(sync~spin)' : '$(hubot)'} Tandem${status?.model ? `: ${status.model.name}` : ''}${adapters ? ` · ${adapters}` : ''}`;
    this.item.tooltip = status ? tooltip(status, busy) : 'Tandem daemon connected';
  }

  dispose(): void {
    clearTimeout(this.warmupPoll);
    this.item.dispose();
  }
}

const WARMUP_POLL_MS = 1000;

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
    ...gpuTooltip(status),
    ...ROLES.map((role) => `${role}: adapter ${version(status.adapters[role])}${status.adapters[role]?.sha256 ? ` (${status.adapters[role].sha256!.slice(0, 12)})` : ''}`),
    '',
    'Click to open the Tandem panel.',
  ];
  return new vscode.MarkdownString(lines.join('  \n'));
}

/** Where the model runs on the GPU, or why it does not and the fix; the warm-up once it is done. */
function gpuTooltip(status: DaemonStatus): string[] {
  const { gpu, warmup } = status;
  const lines: string[] = [];
  if (gpu?.devices.length) lines.push(`GPU: ${gpu.devices.join(', ')} · ${gpu.layersOffloaded}/${gpu.layersTotal} layers${gpu.vram ? ` · VRAM ${gpu.vram.usedMb}/${gpu.vram.totalMb} MiB` : ''}`);
  if (gpu?.notUsed) lines.push(`GPU not used: ${gpu.notUsed.message}${gpu.notUsed.fix ? ` Fix: ${gpu.notUsed.fix}` : ''}`);
  if (warmup?.state === 'ready') lines.push(`Warm-up (${warmup.label}): ${warmup.ms} ms`);
  if (warmup?.state === 'failed') lines.push(`Warm-up failed: ${warmup.error}`);
  return lines;
}

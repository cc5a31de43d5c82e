// Typed reads of the `tandem.*` settings declared in package.json.
import * as vscode from 'vscode';
import type { ExportFormat, Role } from '../../daemon/src/protocol/types.js';

export interface TandemSettings {
  nodePath: string;
  autoStart: boolean;
  model: string;
  threads: number;
  /** '' or "auto", "max", a number of layers (the setting's pattern keeps it to these). */
  gpuLayers: string;
  /** 0: the daemon decides. */
  contextSize: number;
  adapters: Record<Role, number | null>;
  critic: boolean;
  attempts: number;
  allowedCommands: Record<string, string[]>;
  exportFormat: ExportFormat;
  exportRole: Role | 'all';
  exportMinSignal: 'approved' | 'merged';
}

export function readSettings(): TandemSettings {
  const config = vscode.workspace.getConfiguration('tandem');
  return {
    nodePath: config.get<string>('nodePath', 'node') || 'node',
    autoStart: config.get<boolean>('daemon.autoStart', true),
    model: config.get<string>('model', ''),
    threads: config.get<number>('threads', 0),
    gpuLayers: config.get<string>('gpuLayers', '').trim(),
    contextSize: config.get<number>('contextSize', 0),
    adapters: {
      orchestrator: config.get<number | null>('adapters.orchestrator', null),
      worker: config.get<number | null>('adapters.worker', null),
      critic: config.get<number | null>('adapters.critic', null),
    },
    critic: config.get<boolean>('critic', false),
    attempts: config.get<number>('attempts', 1),
    allowedCommands: config.get<Record<string, string[]>>('allowedCommands', {}),
    exportFormat: config.get<ExportFormat>('export.format', 'openai-sft'),
    exportRole: config.get<Role | 'all'>('export.role', 'all'),
    exportMinSignal: config.get<'approved' | 'merged'>('export.minSignal', 'approved'),
  };
}

/**
 * Settings the daemon reads at start, passed as environment. The allowed commands are not among them:
 * SettingsSync sends them on connect and on every change, and an env copy would outlive a removal.
 */
export function daemonEnvironment(settings: TandemSettings, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  if (settings.model) env.TANDEM_MODEL = settings.model;
  if (settings.threads > 0) env.TANDEM_THREADS = String(settings.threads);
  if (settings.gpuLayers) env.TANDEM_GPU_LAYERS = settings.gpuLayers;
  if (settings.contextSize > 0) env.TANDEM_CONTEXT_SIZE = String(settings.contextSize);
  return env;
}

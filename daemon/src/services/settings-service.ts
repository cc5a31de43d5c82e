// Settings a client sends to the running daemon. Allowed commands apply at once; the base model and
// the thread count are fixed when the model loads, and this daemon loads it once, so a different one
// is reported back as pending, with a sentence the client shows the user, never silently dropped.
import { resolve } from 'node:path';
import { ResponseError } from 'vscode-jsonrpc';
import type { PendingSetting, SettingsOutcome } from '../protocol/daemon-settings.js';
import type { ModelInfo } from '../protocol/types.js';
import { parseContextSize, parseGpuLayers, type ContextSizeSetting, type GpuLayersSetting } from '../runtime/gpu-settings.js';
import { findLocalModel } from '../runtime/local-models.js';
import { builtinCatalog } from '../runtime/model-catalog.js';
import type { AgentOptionsHolder } from './agent-options.js';
import type { RepoAllowlists } from './repo-allowlists.js';
import { parseSettingsUpdate } from './settings-update.js';

/** What the daemon runs with; null while no model is loaded (a CLI command in-process). */
export type LoadedModel = { model: ModelInfo; threads: number; memory: { gpuLayers: GpuLayersSetting; contextSize: ContextSizeSetting } } | null;

export class SettingsService {
  constructor(private readonly allowlists: RepoAllowlists, private readonly modelsDir: string, private readonly agentOptions: AgentOptionsHolder) {}

  /** Applies what can be applied now; a malformed update is refused whole, as invalid params. */
  apply(raw: unknown, loaded: LoadedModel): SettingsOutcome {
    const parsed = parseSettingsUpdate(raw);
    if (!parsed.ok) throw new ResponseError(-32602, parsed.message);
    const { allowedCommands, model, threads, critic, attempts, gpuLayers, contextSize } = parsed.update;
    this.agentOptions.apply({ ...(critic !== undefined && { critic }), ...(attempts !== undefined && { attempts }) });
    const pending = loaded
      ? [this.modelPending(model ?? '', loaded), threadsPending(threads ?? 0, loaded), ...memoryPending(gpuLayers ?? '', contextSize ?? 0, loaded)]
      : [];
    return {
      allowedCommands: this.allowlists.apply(allowedCommands ?? {}),
      pending: pending.filter((p): p is PendingSetting => p !== null),
    };
  }

  private modelPending(wanted: string, loaded: NonNullable<LoadedModel>): PendingSetting | null {
    if (wanted === '') return null;
    const path = findLocalModel(this.modelsDir, wanted, builtinCatalog);
    if (!path) {
      const message = `No base model "${wanted}" on this machine (\`tandem models list\` shows them; \`tandem models pull\` fetches one); the daemon keeps ${loaded.model.name}.`;
      return { setting: 'model', message };
    }
    if (resolve(path) === resolve(loaded.model.path)) return null;
    return { setting: 'model', message: `The daemon runs ${loaded.model.name}; ${wanted} is loaded when the daemon restarts.` };
  }
}

function threadsPending(wanted: number, loaded: NonNullable<LoadedModel>): PendingSetting | null {
  if (wanted === 0 || wanted === loaded.threads) return null;
  return { setting: 'threads', message: `The daemon generates with ${loaded.threads} thread(s); ${wanted} take effect when the daemon restarts.` };
}

/** GPU layers and context size are fixed when the model loads: a different one waits for the restart that reloads it. */
function memoryPending(gpuLayers: string, contextSize: number, loaded: NonNullable<LoadedModel>): (PendingSetting | null)[] {
  const reload = 'when the daemon restarts and reloads the model';
  const layers = gpuLayers === '' ? null : parseGpuLayers(gpuLayers, 'gpuLayers');
  const tokens = contextSize === 0 ? null : parseContextSize(contextSize, 'contextSize');
  return [
    layers === null || layers === loaded.memory.gpuLayers ? null
      : { setting: 'gpuLayers', message: `The model was loaded with gpuLayers ${loaded.memory.gpuLayers}; ${layers} takes effect ${reload}.` },
    tokens === null || tokens === loaded.memory.contextSize ? null
      : { setting: 'contextSize', message: `The model was loaded with contextSize ${loaded.memory.contextSize}; ${tokens} takes effect ${reload}.` },
  ];
}

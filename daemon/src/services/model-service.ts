// The loaded base model: the runtime with each role's active adapter. Adapter changes go through the
// AdapterService, which hot-swaps them into this runtime once it is attached.
import { ResponseError } from 'vscode-jsonrpc';
import { readConfig } from '../config.js';
import type { TandemPaths } from '../paths.js';
import { ErrorCodes } from '../protocol/errors.js';
import { ROLES, type AdapterInfo, type AdapterRef, type ModelInfo, type Role } from '../protocol/types.js';
import { memorySettings, type ContextSizeSetting, type GpuLayersSetting } from '../runtime/gpu-settings.js';
import { listLocalModels } from '../runtime/local-models.js';
import { ActionScript } from '../runtime/action-script.js';
import { ModelRuntime } from '../runtime/model-runtime.js';
import { ProgressBar } from '../cli/progress-bar.js';
import { unwrap, type AdapterService } from './adapter-service.js';

export class ModelService {
  private constructor(
    readonly runtime: ModelRuntime,
    private readonly paths: TandemPaths,
    /** The GPU layers and context size settings the model was loaded with (a client's different ones wait for a restart). */
    readonly memory: { gpuLayers: GpuLayersSetting; contextSize: ContextSizeSetting },
  ) {}

  /** Loads the base model with each role's active adapter. The fixture's adapters are registered on first use. */
  static async start(paths: TandemPaths, adapters: AdapterService, log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<ModelService> {
    const bar = new ProgressBar();
    const choice = await adapters.baseModel((event) => bar.update(event));
    const { registry } = adapters;
    for (const role of ROLES) {
      if (!choice.fixtureAdapters || registry.list(role).some((a) => a.baseModelSha === choice.sha256)) continue;
      unwrap(await registry.add(role, choice.fixtureAdapters[role]));
    }
    const active = Object.fromEntries(ROLES.map((role) => [role, usableAdapter(registry.active(role), choice.sha256, log)]));
    const config = readConfig(paths.config);
    const threads = env.TANDEM_THREADS ? Number(env.TANDEM_THREADS) : config.threads ?? null;
    const { gpuLayers, contextSize } = memorySettings(config, env);
    // Scripted actions are for demos, tests and replaying a report: said loudly, since the model does not choose them.
    const actionScript = env.TANDEM_ACTION_SCRIPT ? ActionScript.fromFile(env.TANDEM_ACTION_SCRIPT) : undefined;
    if (actionScript) log(`actions are scripted by ${actionScript.source} (${actionScript.rules.length} rules): where a rule matches, the model evaluates the scripted action instead of choosing one`);
    const loaded = await ModelRuntime.load({
      modelPath: choice.path, modelSha256: choice.sha256, threads, adapters: active, log, gpuLayers, contextSize, ...(actionScript ? { actionScript } : {}),
      onLoadProgress: (fraction) => bar.update({ id: 'model-load', title: 'Loading the model', done: Math.round(fraction * 100), total: 100, finished: fraction >= 1 }),
    });
    if (!loaded.ok) throw new ResponseError(ErrorCodes.BadModelFile, loaded.error.message);
    const status = loaded.value.status();
    log(`model ${status.model.name} loaded (${status.backend}, ${status.threads} threads, ${status.contextSize}-token role contexts)${status.model.fixture ? ': the random-weight fixture, its output is random' : ''}`);
    adapters.attach(loaded.value);
    // In the background: the daemon serves status meanwhile, and the first task queues behind it.
    void loaded.value.warmUp().then((w) => log(w.state === 'ready' ? `warm-up done (${w.label}) in ${w.ms} ms` : `warm-up failed, the first task pays for it: ${w.error}`));
    void loaded.value.gpuStatus().then((gpu) => { if (gpu.notUsed) log(`GPU not used: ${gpu.notUsed.message}${gpu.notUsed.fix ? ` Fix: ${gpu.notUsed.fix}` : ''}`); }, () => undefined);
    return new ModelService(loaded.value, paths, { gpuLayers, contextSize });
  }

  get model(): ModelInfo {
    return this.runtime.status().model;
  }

  adapterOf(role: Role): AdapterRef {
    return this.runtime.status().adapters[role];
  }

  async modelsList(): Promise<{ models: ModelInfo[]; active: string | null }> {
    const local = await listLocalModels(this.paths.models);
    const active = this.model;
    return { models: local.some((m) => m.path === active.path) ? local : [active, ...local], active: active.path };
  }
}

/** An adapter registered against another base model cannot be used with this one: use the base weights. */
function usableAdapter(adapter: AdapterInfo | null, modelSha: string, log: (line: string) => void) {
  if (!adapter) return null;
  if (adapter.baseModelSha !== modelSha) {
    log(`${adapter.role} adapter v${adapter.version} was made for another base model; using the base weights for ${adapter.role}`);
    return null;
  }
  return { path: adapter.path, version: adapter.version, sha256: adapter.sha256 };
}

// The loaded base model and the adapter registry behind it: adapters registered here are validated
// against the loaded model and hot-swapped into the running runtime.
import { ResponseError } from 'vscode-jsonrpc';
import { readConfig } from '../config.js';
import type { TandemPaths } from '../paths.js';
import { ErrorCodes } from '../protocol/errors.js';
import { ROLES, type AdapterInfo, type AdapterRef, type ModelInfo, type Role } from '../protocol/types.js';
import { checkAdapterFits } from '../runtime/adapter-check.js';
import { AdapterRegistry, type RegistryOutcome } from '../runtime/adapter-registry.js';
import { listLocalModels, modelSha256 } from '../runtime/local-models.js';
import { ModelRuntime } from '../runtime/model-runtime.js';
import { ProgressBar } from '../cli/progress-bar.js';
import { chooseBaseModel } from './base-model.js';

export class ModelService {
  private constructor(readonly runtime: ModelRuntime, readonly registry: AdapterRegistry, private readonly paths: TandemPaths) {}

  /** Loads the base model with each role's active adapter. The fixture's adapters are registered on first use. */
  static async start(paths: TandemPaths, log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<ModelService> {
    const choice = await chooseBaseModel(paths, env);
    const bar = new ProgressBar();
    const modelSha = await modelSha256(paths.models, choice.path, (done, total) =>
      bar.update({ id: 'model-sha', title: 'Checksumming the model', done, total, unit: 'bytes', finished: done === total }));
    const registry = new AdapterRegistry({
      registryFile: paths.adapterRegistry,
      adaptersDir: paths.adapters,
      validate: (adapterPath) => checkAdapterFits(adapterPath, choice.path),
      baseModelSha: async () => modelSha,
    });
    for (const role of ROLES) {
      if (!choice.fixtureAdapters || registry.list(role).some((a) => a.baseModelSha === modelSha)) continue;
      unwrap(await registry.add(role, choice.fixtureAdapters[role]));
    }
    const adapters = Object.fromEntries(ROLES.map((role) => [role, usableAdapter(registry.active(role), modelSha, log)]));
    const threads = env.TANDEM_THREADS ? Number(env.TANDEM_THREADS) : readConfig(paths.config).threads ?? null;
    const loaded = await ModelRuntime.load({
      modelPath: choice.path, modelSha256: modelSha, threads, adapters,
      onLoadProgress: (fraction) => bar.update({ id: 'model-load', title: 'Loading the model', done: Math.round(fraction * 100), total: 100, finished: fraction >= 1 }),
    });
    if (!loaded.ok) throw new ResponseError(ErrorCodes.BadModelFile, loaded.error.message);
    const status = loaded.value.status();
    log(`model ${status.model.name} loaded (${status.backend}, ${status.threads} threads)${status.model.fixture ? ': the random-weight fixture, its output is random' : ''}`);
    return new ModelService(loaded.value, registry, paths);
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

  adaptersList(role?: Role): AdapterInfo[] {
    return this.registry.list(role);
  }

  async adaptersAdd(role: Role, path: string): Promise<AdapterInfo> {
    const added = unwrap(await this.registry.add(role, path));
    await this.install(role, added);
    return added;
  }

  async adaptersUse(role: Role, version: number | null): Promise<AdapterRef> {
    unwrap(this.registry.use(role, version));
    await this.install(role, this.registry.active(role));
    return this.adapterOf(role);
  }

  adaptersRemove(role: Role, version: number): void {
    unwrap(this.registry.remove(role, version));
  }

  /** Hot-swap: the role's next generation uses the adapter; a running one finishes on the old. */
  private async install(role: Role, adapter: AdapterInfo | null): Promise<void> {
    const swapped = await this.runtime.setAdapter(role, adapter && { path: adapter.path, version: adapter.version, sha256: adapter.sha256 });
    if (!swapped.ok) throw new ResponseError(ErrorCodes.BadAdapterFile, swapped.error.message);
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

export function unwrap<T>(outcome: RegistryOutcome<T>): T {
  if (!outcome.ok) throw new ResponseError(outcome.code, outcome.message);
  return outcome.value;
}

// The adapter registry behind the protocol: adapters are validated against the chosen base model and,
// once a runtime is loaded, hot-swapped into it. Without a runtime (a CLI command run in-process) only
// the registry changes, and the next load picks the active versions up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ResponseError } from 'vscode-jsonrpc';
import type { TandemPaths } from '../paths.js';
import { ErrorCodes } from '../protocol/errors.js';
import type { AdaptersChanged } from '../protocol/adapter-evaluation.js';
import type { AdapterInfo, AdapterRef, ProgressEvent, Role } from '../protocol/types.js';
import { checkAdapterFits } from '../runtime/adapter-check.js';
import { AdapterRegistry, type ClusterKey, type RegistryOutcome } from '../runtime/adapter-registry.js';
import { modelSha256 } from '../runtime/local-models.js';
import type { ModelRuntime } from '../runtime/model-runtime.js';
import { PeftImportError } from '../runtime/peft-config.js';
import { convertPeftAdapter } from '../runtime/peft-to-gguf.js';
import { chooseBaseModel, type BaseModelChoice } from './base-model.js';

export type ChosenBaseModel = BaseModelChoice & { sha256: string };

export class AdapterService {
  readonly registry: AdapterRegistry;
  private chosen: Promise<ChosenBaseModel> | null = null;
  private runtime: ModelRuntime | null = null;

  constructor(
    private readonly paths: TandemPaths,
    private readonly env: NodeJS.ProcessEnv = process.env,
    /** Told of every change that took, so every client sees it (see TaskEventHub.announce). */
    private readonly onChange: (change: AdaptersChanged) => void = () => undefined,
  ) {
    this.registry = new AdapterRegistry({
      registryFile: paths.adapterRegistry,
      adaptersDir: paths.adapters,
      validate: async (adapterPath) => checkAdapterFits(adapterPath, (await this.baseModel()).path),
      baseModelSha: async () => (await this.baseModel()).sha256,
    });
  }

  get adaptersDir(): string {
    return this.paths.adapters;
  }

  /** The base model adapters must fit, chosen once (and only when something needs it: listing does not). */
  baseModel(progress?: (event: ProgressEvent) => void): Promise<ChosenBaseModel> {
    this.chosen ??= chooseBaseModel(this.paths, this.env).then(async (choice) => ({
      ...choice,
      sha256: await modelSha256(this.paths.models, choice.path, (done, total) =>
        progress?.({ id: 'base-sha', title: 'Checksumming the base model', done, total, unit: 'bytes', finished: done === total })),
    }));
    return this.chosen;
  }

  /** From now on, adapter changes are hot-swapped into this runtime. */
  attach(runtime: ModelRuntime): void {
    this.runtime = runtime;
  }

  list(role?: Role): AdapterInfo[] {
    return this.registry.list(role);
  }

  async add(role: Role, path: string, progress?: (event: ProgressEvent) => void, cluster?: ClusterKey): Promise<AdapterInfo> {
    await this.baseModel(progress); // the first checksum of a large model takes a while: show it
    if (cluster) {
      // An expert: its cluster's tasks load it when they run (runtime/expert-slots.ts); the general adapter stays.
      const expert = unwrap(await this.registry.add(role, path, { cluster }));
      this.changed(role, 'registered', expert.version);
      return expert;
    }
    const before = this.registry.active(role)?.version ?? null;
    const added = unwrap(await this.registry.add(role, path));
    try {
      await this.install(role, added);
    } catch (error) {
      // The running daemon could not load it: forget it, so the registry says what the runtime uses.
      this.registry.use(role, before);
      this.registry.remove(role, added.version);
      throw error;
    }
    this.changed(role, 'registered', added.version);
    return added;
  }

  /**
   * A PEFT LoRA folder converted to GGUF against the base model, then registered like `add` (the copy is
   * validated again), inactive unless `activate`. The converted file is temporary: on any error nothing is registered.
   */
  async import(role: Role, dir: string, activate: boolean, progress?: (event: ProgressEvent) => void, cluster?: ClusterKey): Promise<AdapterInfo> {
    const base = await this.baseModel(progress);
    const scratch = mkdtempSync(join(tmpdir(), 'tandem-import-'));
    try {
      const converted = join(scratch, 'adapter.gguf');
      progress?.({ id: 'adapter-import', title: `Converting ${basename(dir)}`, done: 0, total: 2, unit: 'steps' });
      try {
        await convertPeftAdapter(dir, base.path, converted);
      } catch (error) {
        if (error instanceof PeftImportError) throw new ResponseError(ErrorCodes.BadAdapterFile, `${dir} was not imported: ${error.message}`, { problem: error.problem });
        throw error;
      }
      progress?.({ id: 'adapter-import', title: `Registering ${basename(dir)}`, done: 1, total: 2, unit: 'steps' });
      const added = unwrap(await this.registry.add(role, converted, { activate: activate && !cluster }));
      progress?.({ id: 'adapter-import', title: `Imported ${role} v${added.version}`, done: 2, total: 2, unit: 'steps', finished: true });
      // An expert serves its cluster once bound (activate), loaded by the tasks routed there; the general adapter stays.
      if (cluster) {
        if (activate) unwrap(this.registry.useForCluster(role, cluster, added.version));
        this.changed(role, 'registered', added.version);
        return added;
      }
      if (activate) await this.install(role, added);
      this.changed(role, 'registered', added.version);
      return added;
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }

  async use(role: Role, version: number | null): Promise<AdapterRef> {
    const before = this.registry.active(role)?.version ?? null;
    const ref = unwrap(this.registry.use(role, version));
    try {
      await this.install(role, this.registry.active(role));
    } catch (error) {
      this.registry.use(role, before); // the runtime still runs the one before
      throw error;
    }
    this.changed(role, 'activated', version);
    return ref;
  }

  remove(role: Role, version: number): void {
    unwrap(this.registry.remove(role, version));
    this.changed(role, 'removed', version);
  }

  /** Evaluations are stored by the evaluation service; they are news to every window too. */
  changed(role: Role, change: AdaptersChanged['change'], version: number | null): void {
    this.onChange({ role, change, version, active: this.registry.active(role)?.version ?? null });
  }

  /** Hot-swap: the role's next generation uses the adapter; a running one finishes on the old. */
  private async install(role: Role, adapter: AdapterInfo | null): Promise<void> {
    if (!this.runtime) return;
    const swapped = await this.runtime.setAdapter(role, adapter && { path: adapter.path, version: adapter.version, sha256: adapter.sha256 });
    if (!swapped.ok) throw new ResponseError(ErrorCodes.BadAdapterFile, swapped.error.message);
  }
}

export function unwrap<T>(outcome: RegistryOutcome<T>): T {
  if (!outcome.ok) throw new ResponseError(outcome.code, outcome.message);
  return outcome.value;
}

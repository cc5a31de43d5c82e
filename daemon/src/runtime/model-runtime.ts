// The model runtime: one base model loaded once, one context per role (orchestrator, worker), each
// with its own LoRA adapter and KV cache. Switching roles is using the other context; a new adapter
// version is loaded beside the current one and takes over when the role is idle; the old version's
// weights are freed once no context uses them (loaded-adapters.ts).
// Bad files come back as values naming the problem; nothing here should take the daemon down.
import { basename } from 'node:path';
import type { LlamaModel } from 'node-llama-cpp';
import type { GenerateRequest, GenerateResult, ModelPort } from '../agents/ports.js';
import { ROLES, type AdapterRef, type ModelInfo, type Role } from '../protocol/types.js';
import { ActionGrammars } from './action-grammar.js';
import { ActionScorer } from './action-scoring.js';
import { sha256File } from './sha256-file.js';
import { generateOnRole } from './generation.js';
import { fail, validateAdapterFile, validateBaseModelFile, type BaseModelSummary, type ModelFileError } from './gguf-validate.js';
import { startLlama, type Backend, type LlamaBackend } from './llama-backend.js';
import { LoadedAdapters } from './loaded-adapters.js';
import { createRoleContext, type AdapterVersion, type RoleContextOptions } from './role-context.js';
import { RoleSlot, type SwitchTiming } from './role-slot.js';
import { chooseThreads } from './thread-count.js';

export interface ModelRuntimeOptions {
  modelPath: string;
  /** Evaluation threads; by default TANDEM_THREADS or the cores this process may use. */
  threads?: number | null;
  /** Tokens per role context; capped by what the model was trained on. Defaults to 4096. */
  contextSize?: number;
  adapters?: Partial<Record<Role, AdapterVersion | null>>;
  /** The model file's sha256 when the caller already knows it; otherwise it is computed. */
  modelSha256?: string;
  /** Bound for string fields in action schemas that set none. */
  maxStringLength?: number;
  /** A llama.cpp backend to share (tests, benchmarks); by default the runtime starts and owns one. */
  backend?: LlamaBackend;
  /** Loading a multi-gigabyte model takes a while: 0..1 as it goes. */
  onLoadProgress?: (fraction: number) => void;
  /** Where the runtime reports what it cannot fix itself; stderr by default. */
  log?: (line: string) => void;
}

export interface RuntimeStatus {
  backend: Backend;
  threads: number;
  model: ModelInfo;
  contextSize: number;
  adapters: Record<Role, AdapterRef>;
  /** Tokens each role's current context has evaluated (prompt and generated); reused cache tokens are not counted. */
  tokensEvaluated: Record<Role, number>;
  generating: boolean;
}

export type RuntimeResult<T> = { ok: true; value: T } | { ok: false; error: ModelFileError };

export class ModelRuntime implements ModelPort {
  private constructor(
    private readonly backend: LlamaBackend,
    private readonly ownsBackend: boolean,
    private readonly model: LlamaModel,
    private readonly base: BaseModelSummary,
    readonly baseModelSha: string,
    private readonly slots: Record<Role, RoleSlot>,
    private readonly contextOptions: RoleContextOptions,
    private readonly grammars: ActionGrammars,
  ) {}

  static async load(options: ModelRuntimeOptions): Promise<RuntimeResult<ModelRuntime>> {
    const checked = await validateBaseModelFile(options.modelPath);
    if (!checked.ok) return checked;
    const base = checked.value;
    const adapters = options.adapters ?? {};
    for (const role of ROLES) {
      const adapter = adapters[role];
      if (!adapter) continue;
      const fits = await validateAdapterFile(adapter.path, base);
      if (!fits.ok) return fits;
    }

    const backend = options.backend ?? (await startLlama(chooseThreads(options.threads).threads));
    const owns = !options.backend;
    const mark = backend.log.mark();
    let model: LlamaModel;
    try {
      model = await backend.llama.loadModel({ modelPath: options.modelPath, onLoadProgress: options.onLoadProgress });
    } catch (error) {
      if (owns) await backend.llama.dispose();
      const reason = backend.log.since(mark).join(' / ') || (error as Error).message;
      return fail('rejected_by_llama', options.modelPath, `llama.cpp could not load "${basename(options.modelPath)}": ${reason}`);
    }

    const contextOptions: RoleContextOptions = {
      contextSize: Math.min(options.contextSize ?? 4096, model.trainContextSize),
      threads: backend.threads,
      log: backend.log,
      adapters: new LoadedAdapters(model, options.log ?? ((line) => process.stderr.write(`tandem runtime: ${line}\n`))),
    };
    const slots: Partial<Record<Role, RoleSlot>> = {};
    try {
      for (const role of ROLES) slots[role] = new RoleSlot(await createRoleContext(model, role, adapters[role] ?? null, contextOptions));
    } catch (error) {
      for (const slot of Object.values(slots)) await slot.dispose();
      await model.dispose();
      if (owns) await backend.llama.dispose();
      return fail('rejected_by_llama', options.modelPath, (error as Error).message);
    }
    const sha = options.modelSha256 ?? (await sha256File(options.modelPath));
    const grammars = new ActionGrammars(backend.llama, options.maxStringLength);
    return { ok: true, value: new ModelRuntime(backend, owns, model, base, sha, slots as Record<Role, RoleSlot>, contextOptions, grammars) };
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const grammar = await this.grammars.forSchema(request.schema);
    return this.slots[request.role].run((context) => generateOnRole(context, request, grammar));
  }

  /**
   * Registers a new adapter version (or none: base weights) for a role. It is validated against the
   * base model, loaded beside the current one, and switched in now or when the running generation ends.
   */
  async setAdapter(role: Role, adapter: AdapterVersion | null): Promise<RuntimeResult<{ adapter: AdapterRef; switched: SwitchTiming }>> {
    if (adapter) {
      const fits = await validateAdapterFile(adapter.path, this.base);
      if (!fits.ok) return fits;
    }
    let next;
    try {
      next = await createRoleContext(this.model, role, adapter, this.contextOptions);
    } catch (error) {
      return fail('rejected_by_llama', adapter?.path ?? this.base.path, (error as Error).message);
    }
    const switched = await this.slots[role].install(next);
    return { ok: true, value: { adapter: next.adapter, switched } };
  }

  /** A context of its own over the loaded model, for scoring recorded actions with an adapter version (or none). */
  async scorer(adapter: AdapterVersion | null): Promise<RuntimeResult<ActionScorer>> {
    if (adapter) {
      const fits = await validateAdapterFile(adapter.path, this.base);
      if (!fits.ok) return fits;
    }
    try {
      const scorer = await ActionScorer.create(this.model, adapter?.path ?? null, {
        contextSize: this.contextOptions.contextSize, threads: this.contextOptions.threads, adapters: this.contextOptions.adapters,
      });
      return { ok: true, value: scorer };
    } catch (error) {
      return fail('rejected_by_llama', adapter?.path ?? this.base.path, (error as Error).message);
    }
  }

  contextSize(role: Role): number {
    return this.slots[role].context.context.contextSize;
  }

  /** LoRA adapters in memory (null where node-llama-cpp's cache cannot be read) and adapter files in use. */
  adapterMemory(): { loaded: number | null; inUse: number } {
    return { loaded: this.contextOptions.adapters.loaded, inUse: this.contextOptions.adapters.inUse };
  }

  countTokens(text: string): number {
    return this.model.tokenize(text).length;
  }

  status(): RuntimeStatus {
    return {
      backend: this.backend.backend,
      threads: this.backend.threads,
      model: {
        name: this.base.name ?? basename(this.base.path), path: this.base.path, sha256: this.baseModelSha,
        sizeBytes: this.base.fileSize, fixture: this.base.fixture,
      },
      contextSize: this.contextOptions.contextSize,
      adapters: { orchestrator: this.slots.orchestrator.current.adapter, worker: this.slots.worker.current.adapter },
      tokensEvaluated: { orchestrator: this.evaluated('orchestrator'), worker: this.evaluated('worker') },
      generating: ROLES.some((role) => this.slots[role].generating),
    };
  }

  private evaluated(role: Role): number {
    const meter = this.slots[role].current.sequence.tokenMeter;
    return meter.usedInputTokens + meter.usedOutputTokens;
  }

  /** Waits for queued generations, then frees the contexts, the model (and its adapters) and the backend it owns. */
  async dispose(): Promise<void> {
    for (const role of ROLES) await this.slots[role].dispose();
    await this.model.dispose();
    if (this.ownsBackend) await this.backend.llama.dispose();
  }
}

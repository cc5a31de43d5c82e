// The model runtime: one base model loaded once, one context per role (orchestrator, worker, critic),
// each with its own LoRA adapter and KV cache. The critic's context is made on its first generation, so
// a machine that never turns the critic on never pays for its KV cache. Switching roles is using the other context; a new adapter
// version is loaded beside the current one and takes over when the role is idle; the old version's
// weights are freed once no context uses them (loaded-adapters.ts).
// Bad files come back as values naming the problem; nothing here should take the daemon down.
import { basename } from 'node:path';
import type { LlamaModel } from 'node-llama-cpp';
import { TextEmbedder } from '../analysis/text-embeddings.js';
import type { GenerateRequest, GenerateResult, ModelPort } from '../agents/ports.js';
import type { GpuStatus, WarmupStatus } from '../protocol/gpu-status.js';
import { ROLES, type AdapterRef, type ModelInfo, type Role } from '../protocol/types.js';
import { ActionGrammars, type ActionDecoding } from './action-grammar.js';
import { ActionScorer } from './action-scoring.js';
import { sha256File } from './sha256-file.js';
import type { ActionScript } from './action-script.js';
import { generateOnRole } from './generation.js';
import { fail, validateAdapterFile, validateBaseModelFile, type BaseModelSummary, type ModelFileError } from './gguf-validate.js';
import { GpuReport } from './gpu-report.js';
import { gpuLayersOption, type ContextSizeSetting, type GpuLayersSetting } from './gpu-settings.js';
import { startLlama, type Backend, type LlamaBackend } from './llama-backend.js';
import { LoadedAdapters } from './loaded-adapters.js';
import { createRoleContext, type AdapterVersion, type RoleContextOptions } from './role-context.js';
import { ExpertSlots } from './expert-slots.js';
import { chooseRoleContextSize } from './role-context-size.js';
import { RoleSlot, type SwitchTiming } from './role-slot.js';
import { chooseThreads } from './thread-count.js';
import { WarmUp } from './warm-up.js';

export interface ModelRuntimeOptions {
  modelPath: string;
  /** Evaluation threads; by default TANDEM_THREADS or the cores this process may use. */
  threads?: number | null;
  /**
   * Tokens per role context, capped by what the model was trained on. 'auto' (the default): 4096, lowered
   * on a GPU until both role contexts fit in the VRAM beside the model. A number that does not fit there is an error.
   */
  contextSize?: ContextSizeSetting;
  /** Model layers on the GPU ('auto' by default: as many as fit beside both role contexts). */
  gpuLayers?: GpuLayersSetting;
  adapters?: Partial<Record<Role, AdapterVersion | null>>;
  /** The model file's sha256 when the caller already knows it; otherwise it is computed. */
  modelSha256?: string;
  /** Bound for string fields in action schemas that set none. */
  maxStringLength?: number;
  /** How actions are held to their schema (action-grammar.ts); 'pattern' by default. */
  actionDecoding?: ActionDecoding;
  /** Actions the model evaluates instead of choosing, where a rule matches (action-script.ts). */
  actionScript?: ActionScript;
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

/** Roles whose context is made on first use rather than at load. */
const ON_DEMAND_ROLES: readonly Role[] = ['critic'];

export type RuntimeResult<T> = { ok: true; value: T } | { ok: false; error: ModelFileError };

export class ModelRuntime implements ModelPort {
  private constructor(
    private readonly backend: LlamaBackend,
    private readonly ownsBackend: boolean,
    private readonly model: LlamaModel,
    private readonly base: BaseModelSummary,
    readonly baseModelSha: string,
    private readonly slots: Partial<Record<Role, RoleSlot>>,
    private readonly contextOptions: RoleContextOptions,
    private readonly grammars: ActionGrammars,
    private readonly gpu: GpuReport,
    /** The adapter an on-demand role's context will be made with. */
    private readonly deferred: Partial<Record<Role, AdapterVersion | null>>,
    /** Null unless actions are scripted (demos, tests, replaying a report). */
    readonly actionScript: ActionScript | null,
  ) {}

  private readonly warmUpRun = new WarmUp();

  /** Contexts of cluster adapters a routed task asked for (GenerateRequest.expert). */
  private readonly experts = new ExpertSlots(async (role, adapter) => {
    const fits = await validateAdapterFile(adapter.path, this.base);
    if (!fits.ok) throw new Error(fits.error.message);
    return createRoleContext(this.model, role, adapter, this.contextOptions);
  });

  /** An on-demand role's context being made; generations of that role wait for it. */
  private readonly opening: Partial<Record<Role, Promise<RoleSlot>>> = {};

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
      model = await backend.llama.loadModel({ modelPath: options.modelPath, onLoadProgress: options.onLoadProgress, gpuLayers: gpuLayersOption(options.gpuLayers ?? 'auto', options.contextSize ?? 'auto', ROLES.length) });
    } catch (error) {
      if (owns) await backend.llama.dispose();
      const reason = backend.log.since(mark).join(' / ') || (error as Error).message;
      return fail('rejected_by_llama', options.modelPath, `llama.cpp could not load "${basename(options.modelPath)}": ${reason}`);
    }

    const sized = await chooseRoleContextSize({
      setting: options.contextSize ?? 'auto', trainContextSize: model.trainContextSize, roles: ROLES.length,
      freeVramBytes: backend.backend === 'cpu' || model.gpuLayers === 0 ? null : (await backend.llama.getVramState()).free,
      vramFor: async (contextSize) => (await model.fileInsights.estimateContextResourceRequirementsV2({ contextSize, modelGpuLayers: model.gpuLayers, sequences: 1 })).gpuVram,
    });
    if (!sized.ok) {
      await model.dispose();
      if (owns) await backend.llama.dispose();
      return fail('does_not_fit', options.modelPath, sized.message);
    }
    const contextOptions: RoleContextOptions = {
      contextSize: sized.contextSize,
      threads: backend.threads,
      log: backend.log,
      adapters: new LoadedAdapters(model, options.log ?? ((line) => process.stderr.write(`tandem runtime: ${line}\n`))),
    };
    const slots: Partial<Record<Role, RoleSlot>> = {};
    try {
      for (const role of ROLES) {
        if (ON_DEMAND_ROLES.includes(role)) continue;
        slots[role] = new RoleSlot(await createRoleContext(model, role, adapters[role] ?? null, contextOptions));
      }
    } catch (error) {
      for (const slot of Object.values(slots)) await slot.dispose();
      await model.dispose();
      if (owns) await backend.llama.dispose();
      return fail('rejected_by_llama', options.modelPath, (error as Error).message);
    }
    const sha = options.modelSha256 ?? (await sha256File(options.modelPath));
    const grammars = new ActionGrammars(backend.llama, options.maxStringLength, options.actionDecoding);
    const gpu = new GpuReport(backend, model, options.gpuLayers ?? 'auto');
    const deferred = Object.fromEntries(ON_DEMAND_ROLES.map((role) => [role, adapters[role] ?? null]));
    return { ok: true, value: new ModelRuntime(backend, owns, model, base, sha, slots, contextOptions, grammars, gpu, deferred, options.actionScript ?? null) };
  }

  /**
   * Runs one short generation per role in the background, so the first task does not wait for GPU
   * kernels to compile (or the CPU's equivalent). Idempotent; never rejects.
   */
  warmUp(): Promise<WarmupStatus> {
    return this.warmUpRun.start({
      backend: this.backend.backend, roles: ROLES.filter((role) => !ON_DEMAND_ROLES.includes(role)), contextSize: (role) => this.contextSize(role),
      countTokens: (text) => this.countTokens(text), generate: (request) => this.generateNow(request, false),
    });
  }

  /** Null until warmUp() is called. */
  get warmUpStatus(): WarmupStatus | null {
    return this.warmUpRun.status;
  }

  /** Devices, VRAM and offloaded layers now, and why the GPU is not used when it is not. */
  gpuStatus(): Promise<GpuStatus> {
    return this.gpu.read();
  }

  /** Waits behind a running warm-up (all of it: its requests reach the roles' queues only as it goes), then generates. */
  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const warming = this.warmUpRun.pending;
    if (warming) await warming;
    return this.generateNow(request);
  }

  /** `scripted` false: the warm-up's own actions, whatever a script says. */
  private async generateNow(request: GenerateRequest, scripted = true): Promise<GenerateResult> {
    const action = scripted ? this.actionScript?.actionFor(request.role, request.messages, (tool) => this.grammars.offers(request.schema, tool)) : null;
    const constraint = action ? this.grammars.scriptedConstraint(request.schema, action) : await this.grammars.constraintFor(request.schema);
    const slot = await this.slotOf(request);
    return slot.run((context) => generateOnRole(context, request, constraint));
  }

  /** The role's general slot, or the expert's when the request names one the general slot does not run. */
  private async slotOf(request: GenerateRequest): Promise<RoleSlot> {
    const general = await this.slotFor(request.role);
    const { expert } = request;
    if (!expert || general.context.adapter.sha256 === expert.sha256) return general;
    return this.experts.slotFor(request.role, expert);
  }

  /** Cluster-adapter contexts held now (each its own KV cache). */
  get expertContexts(): number {
    return this.experts.size;
  }

  private slotFor(role: Role): Promise<RoleSlot> {
    const slot = this.slots[role];
    if (slot) return Promise.resolve(slot);
    const opening = this.opening[role] ?? createRoleContext(this.model, role, this.deferred[role] ?? null, this.contextOptions)
      .then((context) => (this.slots[role] = new RoleSlot(context)))
      .finally(() => delete this.opening[role]);
    this.opening[role] = opening;
    return opening;
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
    await this.opening[role]?.catch(() => undefined);
    if (!this.slots[role]) {
      // Not made yet: the context will be made with this adapter when the role first generates.
      this.deferred[role] = adapter;
      return { ok: true, value: { adapter: adapterRef(role, adapter), switched: 'now' } };
    }
    let next;
    try {
      next = await createRoleContext(this.model, role, adapter, this.contextOptions);
    } catch (error) {
      return fail('rejected_by_llama', adapter?.path ?? this.base.path, (error as Error).message);
    }
    const switched = await this.slots[role]!.install(next);
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

  private embedder: TextEmbedder | null = null;

  /** Embeddings of short texts from the base model (no adapter); each call makes a small context of its own and frees it. */
  textEmbedder(): TextEmbedder {
    return (this.embedder ??= new TextEmbedder(this.model, { threads: this.contextOptions.threads }));
  }

  contextSize(role: Role): number {
    return this.slots[role]?.context.context.contextSize ?? this.contextOptions.contextSize;
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
      adapters: Object.fromEntries(ROLES.map((role) => [role, this.adapterOf(role)])) as Record<Role, AdapterRef>,
      tokensEvaluated: Object.fromEntries(ROLES.map((role) => [role, this.evaluated(role)])) as Record<Role, number>,
      generating: ROLES.some((role) => this.slots[role]?.generating === true),
    };
  }

  private adapterOf(role: Role): AdapterRef {
    return this.slots[role]?.current.adapter ?? adapterRef(role, this.deferred[role] ?? null);
  }

  private evaluated(role: Role): number {
    const meter = this.slots[role]?.current.sequence.tokenMeter;
    return meter ? meter.usedInputTokens + meter.usedOutputTokens : 0;
  }

  /** Waits for queued generations, then frees the contexts, the model (and its adapters) and the backend it owns. */
  async dispose(): Promise<void> {
    for (const role of ROLES) await this.opening[role]?.catch(() => undefined);
    for (const role of ROLES) await this.slots[role]?.dispose();
    await this.experts.dispose();
    await this.model.dispose();
    if (this.ownsBackend) await this.backend.llama.dispose();
  }
}

function adapterRef(role: Role, adapter: AdapterVersion | null): AdapterRef {
  return { role, version: adapter?.version ?? null, sha256: adapter?.sha256 ?? null };
}

// Bringing a trained adapter in and deciding whether it takes over: import a PEFT LoRA folder, evaluate
// adapter versions on held-out recorded work, and promote a version only when it is not worse.
import { NotificationType } from 'vscode-jsonrpc';
import { request, type Notification } from './messages.js';
import { s } from './params-schema.js';
import { ROLES, type AdapterInfo, type AdapterRef, type Role } from './types.js';

export interface AdapterImportParams {
  role: Role;
  /** A PEFT LoRA folder (adapter_config.json + adapter_model.safetensors), absolute. */
  dir: string;
  /** Make it the role's adapter at once, skipping the promotion gate. Default false. */
  activate?: boolean;
  /** Register it for this cluster only (an expert, `tandem clusters`); with `activate` it serves the cluster at once. */
  cluster?: number;
}

/** Which versions to compare: null is the base model alone. */
export interface EvaluateParams {
  role: Role;
  /** Default: the role's newest registered version. */
  version?: number | null;
  /** Default: the role's active version (or the base model). */
  against?: number | null;
  /** Only held-out tasks of this cluster of the newest clustering (`tandem clusters`): how an expert does on its own kind of work. */
  cluster?: number;
  /** The export's train fraction; the held-out side is its validation side. Default: the split of the candidate's last evaluation (train --run's), else 0.9. */
  split?: number;
}

/** One adapter version's scores on the held-out examples. */
export interface AdapterEvaluation {
  role: Role;
  version: number | null;
  sha256: string | null;
  /** Identifies the held-out examples scored, so two evaluations are compared only on the same ones. */
  heldOut: string;
  /** The train fraction the held-out side was cut with (absent in evaluations stored before it was recorded). */
  split?: number;
  /** Mean negative log-likelihood per token of approved actions given their context (lower is better). */
  nllPerToken: number | null;
  nllExamples: number;
  nllTokens: number;
  /** Share of recorded preference pairs where the chosen action is the more likely one. */
  preferenceAccuracy: number | null;
  preferencePairs: number;
  evaluatedAt: string;
}

export interface GateDecision {
  /** True: the candidate may become active. */
  allowed: boolean;
  /** Too few held-out examples to judge either way: only --force promotes. */
  tooFewExamples: boolean;
  reason: string;
}

export interface EvaluateResult {
  candidate: AdapterEvaluation;
  against: AdapterEvaluation;
  decision: GateDecision;
  /** The train fraction used, and why it differs from the candidate's last evaluation's when it does. */
  split: number;
  splitNote: string | null;
}

export interface PromoteParams {
  role: Role;
  version: number | null;
  /** Promote even when the gate says no; the registry records that it was forced. */
  force?: boolean;
  /** Default: the split the version was last evaluated with (train --run's), else 0.9. */
  split?: number;
  /** Promote for this cluster only (an expert, `tandem clusters`): judged on the cluster's held-out tasks against its current adapter. */
  cluster?: number;
}

export interface PromoteResult {
  adapter: AdapterRef;
  decision: GateDecision;
  forced: boolean;
  split: number;
  splitNote: string | null;
}

/** Extension/CLI: convert a PEFT LoRA folder to GGUF, check it against the base model, register it (inactive unless asked). */
export const AdaptersImport = request<AdapterImportParams, AdapterInfo>()('tandem/adapters/import',
  s.object({ role: s.oneOf(ROLES), dir: s.string(), activate: s.optional(s.boolean()), cluster: s.optional(s.number()) }));

/** Extension/CLI: score two versions of a role's adapter on held-out recorded work; results are stored per version. */
export const AdaptersEvaluate = request<EvaluateParams, EvaluateResult>()('tandem/adapters/evaluate', s.object({
  role: s.oneOf(ROLES), version: s.optional(s.nullable(s.number())), against: s.optional(s.nullable(s.number())),
  split: s.optional(s.number()), cluster: s.optional(s.number()),
}));

/** Extension/CLI: make a version active if its evaluation is not worse than the active one's (or forced); hot-swapped in a running daemon. */
export const AdaptersPromote = request<PromoteParams, PromoteResult>()('tandem/adapters/promote', s.object({
  role: s.oneOf(ROLES), version: s.nullable(s.number()), force: s.optional(s.boolean()), split: s.optional(s.number()),
  cluster: s.optional(s.number()),
}));

/** Extension/CLI: the stored evaluations of a role's versions, newest first. */
export const AdaptersEvaluations = request<{ role?: Role }, AdapterEvaluation[]>()('tandem/adapters/evaluations',
  s.object({ role: s.optional(s.oneOf(ROLES)) }));

/** What changed about a role's adapters, and which version is active after it. */
export interface AdaptersChanged {
  role: Role;
  change: 'registered' | 'activated' | 'removed' | 'evaluated';
  /** The version the change is about (null: the base model alone). */
  version: number | null;
  /** The role's active version once the change is done. */
  active: number | null;
}

/** Daemon: a role's adapters changed, whichever client (or the CLI) did it; every connected client gets it, so all windows see it live. */
export const AdaptersChangedNotification = new NotificationType<AdaptersChanged>('tandem/adapters/changed') as
  Notification<'tandem/adapters/changed', AdaptersChanged>;

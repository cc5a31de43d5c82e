// Bringing a trained adapter in and deciding whether it takes over: import a PEFT LoRA folder, evaluate
// adapter versions on held-out recorded work, and promote a version only when it is not worse.
import { RequestType } from 'vscode-jsonrpc';
import type { Request } from './messages.js';
import type { AdapterInfo, AdapterRef, Role } from './types.js';

const request = <P, R>() => <M extends string>(method: M) => new RequestType<P, R, void>(method) as Request<M, P, R>;

export interface AdapterImportParams {
  role: Role;
  /** A PEFT LoRA folder (adapter_config.json + adapter_model.safetensors), absolute. */
  dir: string;
  /** Make it the role's adapter at once, skipping the promotion gate. Default false. */
  activate?: boolean;
}

/** Which versions to compare: null is the base model alone. */
export interface EvaluateParams {
  role: Role;
  /** Default: the role's newest registered version. */
  version?: number | null;
  /** Default: the role's active version (or the base model). */
  against?: number | null;
  /** The export's train fraction; the held-out side is its validation side. Default 0.9. */
  split?: number;
}

/** One adapter version's scores on the held-out examples. */
export interface AdapterEvaluation {
  role: Role;
  version: number | null;
  sha256: string | null;
  /** Identifies the held-out examples scored, so two evaluations are compared only on the same ones. */
  heldOut: string;
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
}

export interface PromoteParams {
  role: Role;
  version: number | null;
  /** Promote even when the gate says no; the registry records that it was forced. */
  force?: boolean;
  split?: number;
}

export interface PromoteResult {
  adapter: AdapterRef;
  decision: GateDecision;
  forced: boolean;
}

/** Extension/CLI: convert a PEFT LoRA folder to GGUF, check it against the base model, register it (inactive unless asked). */
export const AdaptersImport = request<AdapterImportParams, AdapterInfo>()('tandem/adapters/import');

/** Extension/CLI: score two versions of a role's adapter on held-out recorded work; results are stored per version. */
export const AdaptersEvaluate = request<EvaluateParams, EvaluateResult>()('tandem/adapters/evaluate');

/** Extension/CLI: make a version active if its evaluation is not worse than the active one's (or forced); hot-swapped in a running daemon. */
export const AdaptersPromote = request<PromoteParams, PromoteResult>()('tandem/adapters/promote');

/** Extension/CLI: the stored evaluations of a role's versions, newest first. */
export const AdaptersEvaluations = request<{ role?: Role }, AdapterEvaluation[]>()('tandem/adapters/evaluations');

// `tandem eval` and `tandem adapters promote` behind the protocol: adapter versions scored on the
// recorded work held out from training (store/export/held-out-examples.ts), on contexts of their own
// over the loaded base model, results stored per version; a promotion passes the gate or is forced.
import { ResponseError } from 'vscode-jsonrpc';
import type { AdapterEvaluation, EvaluateParams, EvaluateResult, PromoteParams, PromoteResult } from '../protocol/adapter-evaluation.js';
import { ErrorCodes } from '../protocol/errors.js';
import type { AdapterInfo, ProgressEvent, Role } from '../protocol/types.js';
import type { ClusterKey } from '../runtime/adapter-registry.js';
import type { ModelRuntime } from '../runtime/model-runtime.js';
import type { RecordedStepText } from '../runtime/step-rendering.js';
import { ExportInputError } from '../store/export/export-options.js';
import { heldOutExamples, type HeldOutExamples } from '../store/export/held-out-examples.js';
import { unwrap, type AdapterService } from './adapter-service.js';
import { EvaluationRecords } from './evaluation-records.js';
import { evaluationSplit } from './evaluation-split.js';
import { decide, minExamples } from './promotion-gate.js';

export interface EvaluationServiceOptions {
  databasePath: string;
  adapters: AdapterService;
  runtime: () => Promise<ModelRuntime>;
  env?: NodeJS.ProcessEnv;
  /** A cluster of the newest clustering as the registry keys experts (work-cluster-service.ts); promotions per cluster need it. */
  clusterKey?: (cluster: number) => ClusterKey;
}

type Progress = (event: ProgressEvent) => void;

export class EvaluationService {
  readonly records: EvaluationRecords;

  constructor(private readonly options: EvaluationServiceOptions) {
    this.records = new EvaluationRecords(options.adapters.adaptersDir);
  }

  async evaluate(params: EvaluateParams, progress?: Progress): Promise<EvaluateResult> {
    const role = params.role;
    const registered = this.options.adapters.list(role);
    const candidate = params.version === undefined ? newest(registered, role) : find(registered, role, params.version);
    const against = params.against === undefined ? registered.find((a) => a.active) ?? null : find(registered, role, params.against);
    const name = candidate ? `${role} v${candidate.version}` : 'the base model';
    const recorded = this.records.evaluations(role).find((e) => e.version === (candidate?.version ?? null) && e.sha256 === (candidate?.sha256 ?? null));
    const { split, note } = evaluationSplit(params.split, recorded, name);
    let examples: HeldOutExamples;
    try {
      examples = heldOutExamples(this.options.databasePath, { role, trainFraction: split, ...(params.cluster === undefined ? {} : { cluster: params.cluster }) });
    } catch (error) {
      if (error instanceof ExportInputError) throw new ResponseError(ErrorCodes.NotFound, error.message);
      throw error;
    }
    const runtime = await this.options.runtime();
    const steps = examples.actions.length + examples.pairs.reduce((n, p) => n + p.chosen.length + p.rejected.length, 0);
    const meter = { done: 0, total: steps * 2, progress };
    const scored = {
      candidate: { ...await this.score(runtime, role, candidate, examples, meter), split },
      against: { ...await this.score(runtime, role, against, examples, meter), split },
    };
    progress?.({ id: 'eval', title: 'Evaluated', done: meter.total, total: meter.total, unit: 'steps', finished: true });
    for (const evaluation of [scored.candidate, scored.against]) this.records.saveEvaluation(evaluation);
    this.options.adapters.changed(role, 'evaluated', scored.candidate.version);
    const decision = decide(scored.candidate, scored.against, minExamples(this.options.env));
    // Too few examples on a split other than the one the version was evaluated with: say which to use.
    if (note && decision.tooFewExamples) decision.reason = `${decision.reason}. ${note}`;
    return { ...scored, decision, split, splitNote: note };
  }

  /** Makes `version` active when the gate allows it, or when forced (recorded as such). */
  async promote(params: PromoteParams, progress?: Progress): Promise<PromoteResult> {
    if (params.cluster !== undefined) return this.promoteForCluster(params, params.cluster, progress);
    const active = this.options.adapters.list(params.role).find((a) => a.active) ?? null;
    const { decision, split, splitNote } = await this.evaluate({ role: params.role, version: params.version, against: active?.version ?? null, ...(params.split === undefined ? {} : { split: params.split }) }, progress);
    const forced = !decision.allowed && params.force === true;
    if (!decision.allowed && !forced) {
      throw new ResponseError(ErrorCodes.InvalidState, `${params.role} v${params.version ?? 'base'} was not promoted: ${decision.reason}${decision.tooFewExamples ? '' : ' (--force overrides)'}`);
    }
    const adapter = await this.options.adapters.use(params.role, params.version);
    this.records.savePromotion({ role: params.role, version: params.version, from: active?.version ?? null, forced, decision, at: new Date().toISOString() });
    return { adapter, decision, forced, split, splitNote };
  }

  /** An expert through the gate: on the cluster's held-out tasks, not worse than what the cluster runs now (its expert or the general adapter). */
  private async promoteForCluster(params: PromoteParams, cluster: number, progress?: Progress): Promise<PromoteResult> {
    if (!this.options.clusterKey) throw new ResponseError(ErrorCodes.InvalidState, 'promotion per cluster is not available here');
    if (params.version === null) {
      throw new ResponseError(-32602, `A cluster goes back to the role's general adapter with \`tandem adapters use --role ${params.role} --cluster ${cluster} base\`, not through promotion.`);
    }
    const key = this.options.clusterKey(cluster);
    const { registry } = this.options.adapters;
    const current = registry.experts(params.role).find((e) => e.clustering === key.clustering && e.cluster === key.cluster) ?? registry.active(params.role);
    const split = params.split === undefined ? {} : { split: params.split };
    const { decision, split: usedSplit, splitNote } = await this.evaluate({ role: params.role, version: params.version, against: current?.version ?? null, cluster, ...split }, progress);
    const forced = !decision.allowed && params.force === true;
    if (!decision.allowed && !forced) {
      throw new ResponseError(ErrorCodes.InvalidState, `${params.role} v${params.version ?? 'base'} was not promoted for cluster ${cluster}: ${decision.reason}${decision.tooFewExamples ? '' : ' (--force overrides)'}`);
    }
    const adapter = unwrap(registry.useForCluster(params.role, key, params.version));
    this.options.adapters.changed(params.role, 'activated', params.version);
    this.records.savePromotion({ role: params.role, version: params.version, from: current?.version ?? null, forced, decision, at: new Date().toISOString() });
    return { adapter, decision, forced, split: usedSplit, splitNote };
  }

  /**
   * The gate for a plain switch (`adapters use`, a pinned version in VS Code): refused only when stored
   * evaluations on the same held-out set say the version is worse than the active one.
   */
  checkSwitch(role: Role, version: number | null): void {
    const registered = this.options.adapters.list(role);
    const active = registered.find((a) => a.active) ?? null;
    if ((active?.version ?? null) === version) return;
    const target = version === null ? null : registered.find((a) => a.version === version) ?? null;
    const mine = this.records.evaluations(role).find((e) => e.version === version && e.sha256 === (target?.sha256 ?? null));
    if (!mine) return;
    const theirs = this.records.find(role, active?.version ?? null, active?.sha256 ?? null, mine.heldOut);
    if (!theirs) return;
    const decision = decide(mine, theirs, minExamples(this.options.env));
    if (!decision.allowed && !decision.tooFewExamples) {
      throw new ResponseError(ErrorCodes.InvalidState, `${role} v${version ?? 'base'} was not switched in: ${decision.reason}; \`tandem adapters promote --force\` overrides`);
    }
  }

  private async score(runtime: ModelRuntime, role: Role, adapter: AdapterInfo | null, examples: HeldOutExamples, meter: { done: number; total: number; progress?: Progress | undefined }): Promise<AdapterEvaluation> {
    const made = await runtime.scorer(adapter && { path: adapter.path, version: adapter.version, sha256: adapter.sha256 });
    if (!made.ok) throw new ResponseError(ErrorCodes.BadAdapterFile, made.error.message);
    const scorer = made.value;
    const name = adapter ? `${role} v${adapter.version}` : 'the base model';
    const tick = () => {
      meter.done++;
      meter.progress?.({ id: 'eval', title: `Scoring ${name}`, done: meter.done, total: meter.total, unit: 'steps' });
    };
    try {
      let logProb = 0, tokens = 0, nllExamples = 0;
      for (const action of examples.actions) {
        const score = await scorer.score(action);
        tick();
        if (!score) continue;
        logProb += score.logProb;
        tokens += score.tokens;
        nllExamples++;
      }
      let right = 0, pairs = 0;
      const total = async (steps: RecordedStepText[]) => {
        let sum = 0;
        for (const step of steps) {
          const score = await scorer.score(step);
          tick();
          if (!score) return null;
          sum += score.logProb;
        }
        return sum;
      };
      for (const pair of examples.pairs) {
        const [chosen, rejected] = [await total(pair.chosen), await total(pair.rejected)];
        if (chosen === null || rejected === null) continue;
        pairs++;
        if (chosen > rejected) right++;
      }
      return {
        role, version: adapter?.version ?? null, sha256: adapter?.sha256 ?? null, heldOut: examples.fingerprint,
        nllPerToken: tokens ? -logProb / tokens : null, nllExamples, nllTokens: tokens,
        preferenceAccuracy: pairs ? right / pairs : null, preferencePairs: pairs, evaluatedAt: new Date().toISOString(),
      };
    } finally {
      await scorer.dispose();
    }
  }
}

function newest(registered: AdapterInfo[], role: Role): AdapterInfo {
  const last = registered.at(-1);
  if (!last) throw new ResponseError(ErrorCodes.NotFound, `${role} has no registered adapter to evaluate; \`tandem adapters import DIR --role ${role}\` first`);
  return registered.reduce((a, b) => (b.version > a.version ? b : a), last);
}

function find(registered: AdapterInfo[], role: Role, version: number | null): AdapterInfo | null {
  if (version === null) return null;
  const found = registered.find((a) => a.version === version);
  if (!found) throw new ResponseError(ErrorCodes.NotFound, `${role} has no adapter v${version}; see \`tandem adapters list\``);
  return found;
}

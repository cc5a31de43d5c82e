// How likely an adapter version finds a recorded action: the log-probability of each of the action's
// tokens given the step's prompt and the action's tokens before it, on a context of its own over the
// loaded base model (a running role's context and cache are not touched). Log-probabilities come from
// the raw logits: log p(t) = logit(t) - max - log(sum exp(logit - max)), checked against the full
// logit list on llama-tiny.
import type { LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import type { AdapterLease, LoadedAdapters } from './loaded-adapters.js';
import { renderStep, stepRenderer, type RecordedStepText, type StepRenderer } from './step-rendering.js';

export interface ActionScore {
  /** Sum of the action tokens' log-probabilities (natural log). */
  logProb: number;
  tokens: number;
}

export class ActionScorer {
  private readonly renderer: StepRenderer;

  private constructor(
    private readonly context: LlamaContext,
    private readonly sequence: LlamaContextSequence,
    private readonly lease: AdapterLease | null,
  ) {
    this.renderer = stepRenderer(context.model);
  }

  /** `adapters`: the runtime's, so the adapter's weights are shared with a role using them and freed after. */
  static async create(
    model: LlamaModel, adapterPath: string | null, options: { contextSize: number; threads: number; adapters?: LoadedAdapters },
  ): Promise<ActionScorer> {
    const lease = adapterPath && options.adapters ? options.adapters.lease(adapterPath) : null;
    try {
      const context = await model.createContext({
        contextSize: options.contextSize, threads: options.threads, sequences: 1,
        ...(adapterPath ? { lora: { adapters: [{ filePath: adapterPath }] } } : {}),
      });
      return new ActionScorer(context, context.getSequence(), lease);
    } catch (error) {
      await lease?.release();
      throw error;
    }
  }

  /** Null when the step does not fit the context, or its action is empty: it cannot be scored. */
  async score(step: RecordedStepText): Promise<ActionScore | null> {
    const { prompt, action } = renderStep(this.renderer, step);
    const tokens = [...prompt.tokens, ...action.tokens];
    if (action.tokens.length === 0 || tokens.length > this.context.contextSize) return null;
    await this.sequence.clearHistory();
    // Logits are asked for at the last prompt token and every action token but the last: each predicts the next.
    const first = prompt.tokens.length - 1;
    const input = tokens.slice(0, -1).map((token, i) => i < first ? token : [token, {
      // includeTop: node-llama-cpp 3.22 leaves the max out despite includeMax.
      generateNext: { logits: { filter: { tokens: [tokens[i + 1]!], includeMax: true, includeTop: 1 } }, totalLogitWeight: true },
    }] as const);
    const outputs = await this.sequence.controlledEvaluate(input as Parameters<LlamaContextSequence['controlledEvaluate']>[0]);
    let logProb = 0;
    for (let i = first; i < tokens.length - 1; i++) {
      const next = outputs[i]?.next;
      const target = tokens[i + 1] as Token;
      const logits = next?.logits;
      const weight = next?.totalLogitWeight;
      if (!logits || weight === undefined) throw new Error(`llama.cpp returned no logits at token ${i}`);
      const max = Math.max(...logits.values());
      const logit = logits.get(target);
      if (logit === undefined) throw new Error(`llama.cpp returned no logit for token ${target}`);
      logProb += logit - max - Math.log(weight);
    }
    return { logProb, tokens: action.tokens.length };
  }

  async dispose(): Promise<void> {
    await this.context.dispose();
    await this.lease?.release();
  }
}

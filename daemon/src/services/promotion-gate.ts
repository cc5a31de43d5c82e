// The promotion gate: a candidate adapter version may replace the active one only when, on the same
// held-out examples, it is not worse: its NLL per token of approved actions is no higher and its
// preference accuracy (where there are pairs) no lower. Too few examples to tell: no decision, only --force.
import type { AdapterEvaluation, GateDecision } from '../protocol/adapter-evaluation.js';

/** Fewer approved held-out actions than this and a difference means little. TANDEM_EVAL_MIN_EXAMPLES overrides. */
export const DEFAULT_MIN_EXAMPLES = 5;

export function minExamples(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.TANDEM_EVAL_MIN_EXAMPLES);
  return Number.isInteger(value) && value >= 1 ? value : DEFAULT_MIN_EXAMPLES;
}

export function decide(candidate: AdapterEvaluation, against: AdapterEvaluation, needed: number): GateDecision {
  const name = (e: AdapterEvaluation) => (e.version === null ? 'the base model' : `v${e.version}`);
  if (candidate.heldOut !== against.heldOut) {
    return { allowed: false, tooFewExamples: false, reason: `${name(candidate)} and ${name(against)} were scored on different held-out examples; evaluate them together` };
  }
  if (candidate.nllExamples < needed || candidate.nllPerToken === null || against.nllPerToken === null) {
    return {
      allowed: false, tooFewExamples: true,
      reason: `only ${candidate.nllExamples} held-out approved action(s) to judge by (at least ${needed} needed); review more tasks, or promote with --force`,
    };
  }
  const nll = `NLL/token ${candidate.nllPerToken.toFixed(4)} vs ${against.nllPerToken.toFixed(4)}`;
  if (candidate.nllPerToken > against.nllPerToken) {
    return { allowed: false, tooFewExamples: false, reason: `${name(candidate)} is worse than ${name(against)} on held-out approved actions (${nll})` };
  }
  const [a, b] = [candidate.preferenceAccuracy, against.preferenceAccuracy];
  if (a !== null && b !== null && a < b) {
    return { allowed: false, tooFewExamples: false, reason: `${name(candidate)} ranks fewer recorded preferences right than ${name(against)} (${pct(a)} vs ${pct(b)} of ${candidate.preferencePairs})` };
  }
  return { allowed: true, tooFewExamples: false, reason: `${name(candidate)} is not worse than ${name(against)} (${nll}${a !== null && b !== null ? `; preferences ${pct(a)} vs ${pct(b)}` : ''})` };
}

function pct(share: number): string {
  return `${(share * 100).toFixed(0)}%`;
}

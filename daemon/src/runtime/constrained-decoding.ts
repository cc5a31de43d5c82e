// Generating an action under its schema without node-llama-cpp's grammar pass over the vocabulary,
// which costs milliseconds a token on a 151k vocabulary whenever the model's pick is rejected.
// - Text the schema fully determines (`{"tool":"`, `","args":{"path":"`, closing brackets) is not
//   sampled: it is tokenized and evaluated in one batch with the token before it.
// - Where the schema offers a few strings (a tool name, true/false), only the tokens that start one of
//   them are scored: the logits of those few tokens are read and the best (or a sample) is taken.
// - Elsewhere (string contents, numbers) the model samples freely and its token is checked against the
//   pattern, a check on one token's text. A token that does not fit is repaired, keeping its intent:
//   the part that fits is kept (`"}` where more fields follow closes the string), a raw control
//   character is escaped, and otherwise the pattern's way out is taken (closing the string).
// Every action that completes is therefore text the pattern allows, which parses and fits the schema.
import type { LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import { advance, choiceStrings, fallbackChar, forcedText, initialState, isComplete, type ActionState } from './action-automaton.js';
import type { PatternNode } from './action-pattern.js';
import { SeededRandom } from './seeded-random.js';

export interface DecodeOptions {
  /** The prompt's tokens not yet in the sequence's cache (at least one: its logits start the answer). */
  pending: Token[];
  /** The prompt's last tokens, so a first answer token detokenizes as it reads after them. */
  promptTail: readonly Token[];
  maxTokens: number;
  temperature: number;
  seed?: number;
  signal?: AbortSignal;
  /** The answer's tokens as they are decided, forced ones included. */
  onTokens?: (tokens: Token[]) => void;
}

export interface DecodeResult {
  text: string;
  tokens: Token[];
  stopReason: 'stop' | 'max_tokens' | 'aborted';
}

/** How many earlier tokens a token is detokenized after (a SentencePiece space depends on them). */
const DETOKENIZE_CONTEXT = 4;

export async function decodeAction(sequence: LlamaContextSequence, pattern: PatternNode, options: DecodeOptions): Promise<DecodeResult> {
  const model = sequence.model;
  const random = new SeededRandom(options.seed ?? Date.now());
  const contextSize = sequence.context.contextSize;
  let state = initialState(pattern);
  let pending = [...options.pending];
  const tokens: Token[] = [];
  let text = '';
  const previous = () => (tokens.length >= DETOKENIZE_CONTEXT ? tokens : [...options.promptTail, ...tokens]).slice(-DETOKENIZE_CONTEXT);
  const take = (taken: readonly Token[], taken_text: string, next: ActionState) => {
    tokens.push(...taken);
    pending.push(...taken);
    text += taken_text;
    state = next;
    options.onTokens?.([...taken]);
  };

  for (;;) {
    if (options.signal?.aborted) return { text, tokens, stopReason: 'aborted' };
    const forced = forcedText(state);
    if (forced) {
      const spelled = spell(model, forced, previous());
      const room = options.maxTokens - tokens.length;
      if (spelled.length > room) { // the budget ends inside forced text: the action is cut there, as a sampled one would be
        const part = spelled.slice(0, Math.max(0, room));
        take(part, model.detokenize(part, false, previous()), state);
        return { text, tokens, stopReason: 'max_tokens' };
      }
      take(spelled, forced, advance(state, forced)!);
    }
    if (isComplete(state)) return { text, tokens, stopReason: 'stop' };
    // Disable context shift's semantics: a reply that reaches the end of the context stops there.
    if (tokens.length >= options.maxTokens || sequence.nextTokenIndex + pending.length >= contextSize) {
      return { text, tokens, stopReason: 'max_tokens' };
    }

    const choices = choiceStrings(state);
    const last = pending.pop()!;
    if (choices) {
      const candidates = candidateTokens(model, state, choices, previous());
      const [output] = (await sequence.controlledEvaluate([...pending, [last, { generateNext: { logits: { filter: { tokens: [...candidates.keys()] } }, options: { temperature: 0 } } }]])).slice(-1);
      const logits = output?.next.logits ?? new Map<Token, number>();
      const picked = pickCandidate(candidates, logits, options.temperature, random);
      pending = [];
      take([picked], candidates.get(picked)!.text, candidates.get(picked)!.state);
      continue;
    }
    const stepSeed = options.seed === undefined ? undefined : options.seed + tokens.length;
    const results = await sequence.controlledEvaluate([...pending, [last, { generateNext: { token: true, options: { temperature: options.temperature, ...(stepSeed !== undefined ? { seed: stepSeed } : {}) } } }]]);
    pending = [];
    const sampled = results.at(-1)?.next.token ?? null;
    const sampledText = sampled === null || model.isSpecialToken(sampled) ? '' : model.detokenize([sampled], false, previous());
    const next = sampled !== null && sampledText ? advance(state, sampledText) : null;
    if (next) {
      take([sampled!], sampledText, next);
      continue;
    }
    const repair = repairText(state, sampledText);
    take(spell(model, repair, previous()), repair, advance(state, repair)!);
  }
}

/** Tokens that spell `text` after `previous`; a tokenizer that merges it otherwise gets it character by character. */
function spell(model: LlamaModel, text: string, previous: readonly Token[]): Token[] {
  const whole = model.tokenize(text, false, 'trimLeadingSpace');
  if (model.detokenize(whole, false, previous) === text) return whole;
  const chars: Token[] = [];
  for (const char of text) chars.push(...model.tokenize(char, false, 'trimLeadingSpace'));
  if (model.detokenize(chars, false, previous) === text) return chars;
  throw new Error(`The model's tokenizer cannot spell ${JSON.stringify(text)} on its own; the action cannot be generated without a grammar`);
}

interface Candidate {
  text: string;
  state: ActionState;
}

/** The tokens that start one of the choice strings (each string's first token, and its prefixes' first tokens). */
function candidateTokens(model: LlamaModel, state: ActionState, choices: readonly string[], previous: readonly Token[]): Map<Token, Candidate> {
  const candidates = new Map<Token, Candidate>();
  for (const choice of choices) {
    for (const prefix of new Set([...choice].map((_, at) => [...choice].slice(0, at + 1).join('')))) {
      const first = model.tokenize(prefix, false, 'trimLeadingSpace')[0];
      if (first === undefined || candidates.has(first)) continue;
      const text = model.detokenize([first], false, previous);
      const next = text ? advance(state, text) : null;
      if (next) candidates.set(first, { text, state: next });
    }
  }
  if (candidates.size === 0) throw new Error(`No token of the model's vocabulary starts any of ${JSON.stringify(choices)}`);
  return candidates;
}

/** The best-scored candidate at temperature 0; otherwise a sample from the candidates' softmax. */
function pickCandidate(candidates: Map<Token, Candidate>, logits: Map<Token, number>, temperature: number, random: SeededRandom): Token {
  const scored = [...candidates.keys()].map((token) => ({ token, logit: logits.get(token) ?? -Infinity }));
  scored.sort((a, b) => b.logit - a.logit);
  const best = scored[0]!;
  if (temperature <= 0 || !Number.isFinite(best.logit)) return best.token;
  const weights = scored.map(({ logit }) => Math.exp((logit - best.logit) / temperature));
  let draw = random.next() * weights.reduce((sum, weight) => sum + weight, 0);
  for (let i = 0; i < scored.length; i++) {
    draw -= weights[i]!;
    if (draw <= 0) return scored[i]!.token;
  }
  return best.token;
}

/**
 * What to write instead of a token the pattern does not allow here: the part of its text that fits,
 * else its first character escaped (a raw newline inside a string becomes `\n`), else the way out.
 */
export function repairText(state: ActionState, text: string): string {
  let fits = '';
  let current: ActionState | null = state;
  for (const char of text) {
    current = advance(current!, char);
    if (!current) break;
    fits += char;
  }
  if (fits) return fits;
  const first = [...text][0];
  if (first !== undefined && first.codePointAt(0)! < 0x20) {
    const escaped = JSON.stringify(first).slice(1, -1);
    if (advance(state, escaped)) return escaped;
  }
  return fallbackChar(state);
}

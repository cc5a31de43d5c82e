// Generating an action under its schema without node-llama-cpp's grammar pass over the vocabulary,
// which costs milliseconds a token on a 151k vocabulary whenever the model's pick is rejected.
// - Text the schema fully determines (`{"tool":"`, `","args":{"path":"`, closing brackets) is not
//   sampled: it is tokenized and evaluated in one batch with the token before it.
// - Where the schema offers a few strings (a tool name, true/false), the tokens that start one of them
//   get a large logit bias, so the sampler picks among them as it would among all (greedy or hot).
// - Elsewhere (string contents, numbers) the model samples freely and its token is checked against the
//   pattern, a check on one token's text. A token that does not fit is repaired, keeping its intent:
//   the part that fits is kept (`"}` where more fields follow closes the string), a raw control
//   character is escaped, and otherwise the pattern's way out is taken (closing the string). A character
//   a byte-level vocabulary spreads over several tokens is held until it is whole.
// Every action that completes is therefore text the pattern allows, which parses and fits the schema.
import { TokenBias, type LlamaContextSequence, type LlamaModel, type Token } from 'node-llama-cpp';
import { advance, choiceStrings, fallbackChar, forcedText, initialState, isComplete, type ActionState } from './action-automaton.js';
import type { PatternNode } from './action-pattern.js';

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
  const contextSize = sequence.context.contextSize;
  let state = initialState(pattern);
  let pending = [...options.pending];
  const tokens: Token[] = [];
  let text = '';
  let held: Token[] = [];
  const previous = () => (tokens.length >= DETOKENIZE_CONTEXT ? tokens : [...options.promptTail, ...tokens]).slice(-DETOKENIZE_CONTEXT);
  /** Commits tokens to the answer; the first `inCache` of them were evaluated already (held pieces). */
  const take = (taken: readonly Token[], takenText: string, next: ActionState, inCache = 0) => {
    tokens.push(...taken);
    pending.push(...taken.slice(inCache));
    text += takenText;
    state = next;
    options.onTokens?.([...taken]);
  };

  // What is decided but not evaluated yet goes into the cache before returning: a short answer made of
  // forced text alone would otherwise leave even the prompt unevaluated, and the next turn reuses it all.
  const flush = async () => {
    if (pending.length > 0 && sequence.nextTokenIndex + pending.length < contextSize) await sequence.evaluateWithoutGeneratingNewTokens(pending);
    pending = [];
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
        await flush();
        return { text, tokens, stopReason: 'max_tokens' };
      }
      take(spelled, forced, advance(state, forced)!);
    }
    if (isComplete(state)) {
      await flush();
      return { text, tokens, stopReason: 'stop' };
    }
    // No context shift: a reply that reaches the end of the context stops there rather than losing the prompt's start.
    if (tokens.length + held.length >= options.maxTokens || sequence.nextTokenIndex + pending.length >= contextSize) {
      await flush();
      return { text, tokens, stopReason: 'max_tokens' };
    }

    // At a choice only its few starting tokens are allowed: a large logit bias on them makes the sampler
    // pick among them as it would among all (greedy or by temperature), without a pass over the vocabulary.
    const choices = choiceStrings(state);
    const candidates = choices ? candidateTokens(model, state, choices, previous()) : null;
    const stepSeed = options.seed === undefined ? undefined : options.seed + tokens.length;
    const sampleOptions = {
      temperature: options.temperature,
      ...(stepSeed !== undefined ? { seed: stepSeed } : {}),
      ...(candidates ? { tokenBias: candidates.bias } : {}),
    };
    const last = pending.pop()!;
    const results = await sequence.controlledEvaluate([...pending, [last, { generateNext: { token: true, options: sampleOptions } }]]);
    pending = [];
    const sampled = results.at(-1)?.next.token ?? null;
    if (candidates) {
      const picked = sampled !== null && candidates.texts.has(sampled) ? sampled : candidates.texts.keys().next().value!;
      const pickedText = candidates.texts.get(picked)!;
      take([picked], pickedText, advance(state, pickedText)!);
      continue;
    }
    // A byte-level vocabulary spells rare characters over several tokens: those are held (in the cache,
    // not yet in the answer) until the character is whole, then checked together.
    const run = sampled === null ? [] : [...held, sampled];
    const runText = sampled === null || model.isSpecialToken(sampled) ? '' : model.detokenize(run, false, previous());
    const whole = !runText.includes(REPLACEMENT);
    const next = runText && whole ? advance(state, runText) : null;
    if (next) {
      take(run, runText, next, held.length);
      held = [];
      continue;
    }
    if (runText.endsWith(REPLACEMENT) && held.length < MAX_HELD && advance(state, `${runText.replace(TRAILING_REPLACEMENTS, '')}a`)) {
      held.push(sampled!);
      pending.push(sampled!);
      continue;
    }
    if (held.length > 0) { // the character never became whole: the cache forgets its pieces
      await sequence.eraseContextTokenRanges([{ start: sequence.nextTokenIndex - held.length, end: sequence.nextTokenIndex }]);
      held = [];
    }
    const repair = repairText(state, runText);
    take(spell(model, repair, previous()), repair, advance(state, repair)!);
  }
}

const REPLACEMENT = '\uFFFD';
const TRAILING_REPLACEMENTS = /\uFFFD+$/u;
/** A UTF-8 character has at most 4 bytes: more pieces than that do not make one. */
const MAX_HELD = 3;

/** Spellings and choice tokens already worked out, per model: the same forced texts and choices come back every action. */
const spellings = new WeakMap<LlamaModel, Map<string, Token[]>>();
const choiceTokens = new WeakMap<LlamaModel, Map<string, Map<Token, string>>>();
const CACHE_LIMIT = 4096;

function cached<T>(caches: WeakMap<LlamaModel, Map<string, T>>, model: LlamaModel, key: string, make: () => T): T {
  let cache = caches.get(model);
  if (!cache) caches.set(model, (cache = new Map()));
  let value = cache.get(key);
  if (value === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    value = make();
    cache.set(key, value);
  }
  return value;
}

/** Tokens that spell `text` after `previous`; a tokenizer that merges it otherwise gets it character by character. */
function spell(model: LlamaModel, text: string, previous: readonly Token[]): Token[] {
  // How a token reads can depend on the one before it (a SentencePiece space), so that is part of the key.
  return cached(spellings, model, `${previous.at(-1) ?? ''}\u0000${text}`, () => {
    const whole = model.tokenize(text, false, 'trimLeadingSpace');
    if (model.detokenize(whole, false, previous) === text) return whole;
    const chars: Token[] = [];
    for (const char of text) chars.push(...model.tokenize(char, false, 'trimLeadingSpace'));
    if (model.detokenize(chars, false, previous) === text) return chars;
    throw new Error(`The model's tokenizer cannot spell ${JSON.stringify(text)} on its own; the action cannot be generated without a grammar`);
  });
}

/** A choice's tokens and how each reads here, and the bias that leaves the sampler only them. */
interface ChoiceCandidates {
  texts: Map<Token, string>;
  bias: TokenBias;
}

/** A logit far above any a model produces: biased tokens outrank every other, their own order kept. */
const CHOICE_BIAS = 1000;

/** The tokens that start one of the choice strings (the first token of each string and of each of its prefixes). */
function candidateTokens(model: LlamaModel, state: ActionState, choices: readonly string[], previous: readonly Token[]): ChoiceCandidates {
  const texts = cached(choiceTokens, model, `${previous.at(-1) ?? ''}\u0000${choices.join('\u0000')}`, () => {
    const found = new Map<Token, string>();
    for (const choice of choices) {
      const chars = [...choice];
      for (let length = 1; length <= Math.min(chars.length, MAX_TOKEN_CHARS); length++) {
        const first = model.tokenize(chars.slice(0, length).join(''), false, 'trimLeadingSpace')[0];
        if (first === undefined || found.has(first)) continue;
        const text = model.detokenize([first], false, previous);
        if (text && advance(state, text)) found.set(first, text);
      }
    }
    if (found.size === 0) throw new Error(`No token of the model's vocabulary starts any of ${JSON.stringify(choices)}`);
    return found;
  });
  // Checked again against this state: a token running past the choice into free text may not fit everywhere.
  const fitting = new Map([...texts].filter(([, text]) => advance(state, text) !== null));
  if (fitting.size === 0) throw new Error(`No token of the model's vocabulary starts any of ${JSON.stringify(choices)}`);
  const bias = new TokenBias(model.tokenizer);
  for (const token of fitting.keys()) bias.set(token, { logit: CHOICE_BIAS });
  return { texts: fitting, bias };
}

/** Longer prefixes of a choice than this are not looked for as one token. */
const MAX_TOKEN_CHARS = 32;

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

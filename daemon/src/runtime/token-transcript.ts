// What a role's KV cache was filled from: the rendered chat in pieces, each with the exact tokens that
// were evaluated for it. Tokenizing a generated answer again seldom gives the tokens the model sampled
// (the tokenizer picks one split of the text, the model may have written it as another), so an answer
// sent back re-tokenized stops matching the cache where it starts, and everything after is evaluated
// again. A prompt here reuses the remembered tokens of each piece its text still starts with and
// tokenizes only the rest: the text the model sees is the same, only its split into tokens differs.
import { LlamaText, SpecialToken, SpecialTokensText, type LlamaTextValue, type Token, type Tokenizer } from 'node-llama-cpp';

interface Piece {
  text: LlamaText;
  tokens: readonly Token[];
}

/** A prompt's tokens and the pieces they were taken from, remembered once the prompt is evaluated. */
export interface PromptPlan {
  tokens: Token[];
  pieces: readonly Piece[];
  /** Tokens taken from remembered pieces rather than tokenized now. */
  remembered: number;
}

export class TokenTranscript {
  private pieces: readonly Piece[] = [];

  /** The tokens for a rendered prompt: remembered pieces it starts with, then the rest tokenized. */
  plan(text: LlamaText, tokenizer: Tokenizer): PromptPlan {
    const pieces: Piece[] = [];
    const tokens: Token[] = [];
    let rest = text;
    for (const piece of this.pieces) {
      const after = textAfter(rest, piece.text);
      if (!after) break; // the conversation changed here (compaction, another task): the cache is of no use past it
      pieces.push(piece);
      appendTokens(tokens, piece.tokens);
      rest = after;
    }
    const remembered = tokens.length;
    if (rest.values.length > 0) {
      // A continuation is tokenized as LlamaChat tokenizes one: no space prefix added in front of it.
      const fresh = rest.tokenize(tokenizer, remembered > 0 ? 'trimLeadingSpace' : undefined);
      pieces.push({ text: rest, tokens: fresh });
      appendTokens(tokens, fresh);
    }
    return { tokens, pieces, remembered };
  }

  /**
   * After a generation: the prompt, then the answer as the tokens it was generated as, are what the
   * cache holds. `answer` is the text the caller got back, which the chat will carry from now on.
   */
  remember(plan: PromptPlan, answer: string, generated: readonly Token[], model: AnswerSpelling): void {
    const tokens = answerTokens(answer, generated, model);
    this.pieces = tokens.length > 0 ? [...plan.pieces, { text: LlamaText(model.detokenize(tokens)), tokens }] : plan.pieces;
  }
}

export interface AnswerSpelling {
  detokenize(tokens: readonly Token[]): string;
  isSpecialToken(token: Token): boolean;
}

/**
 * The longest run of generated tokens that spells the start of `answer`; the rest of the answer is
 * tokenized afresh when it is sent back. Usually that is all of them, but a grammar lets the model
 * close its JSON with whitespace the answer drops (trimWhitespaceSuffix), and a model can sample a
 * control token inside a string, which the answer's text leaves out: the run stops before it, since
 * a control token must never come back where the text shows none (or shows the same characters plainly).
 */
export function answerTokens(answer: string, generated: readonly Token[], model: AnswerSpelling): Token[] {
  const special = generated.findIndex((token) => model.isSpecialToken(token));
  const usable = special < 0 ? generated.length : special;
  const spellsStart = (count: number): boolean => answer.startsWith(model.detokenize(generated.slice(0, count)));
  if (spellsStart(usable)) return generated.slice(0, usable);
  // Longer runs spell more of the answer until they spell past it: search for the last that does not.
  let [good, bad] = [0, usable];
  while (bad - good > 1) {
    const middle = (good + bad) >> 1;
    if (spellsStart(middle)) good = middle;
    else bad = middle;
  }
  return generated.slice(0, good);
}

/**
 * The rest of `text` after `prefix`, or null when `text` does not start with it. LlamaText merges
 * adjacent plain strings (and adjacent special-token texts), so only the prefix's last value may
 * end inside one of `text`'s values; every value before it must be equal.
 */
export function textAfter(text: LlamaText, prefix: LlamaText): LlamaText | null {
  const have = text.values;
  const want = prefix.values;
  if (want.length === 0) return text;
  if (want.length > have.length) return null;
  const last = want.length - 1;
  for (let i = 0; i < last; i++) {
    if (leftover(have[i]!, want[i]!) !== '') return null;
  }
  const tail = leftover(have[last]!, want[last]!);
  if (tail === null) return null;
  return LlamaText([tail, ...have.slice(want.length)]);
}

/** What is left of `have` after `want`: '' when they are equal, null when `have` does not start with `want`. */
function leftover(have: LlamaTextValue, want: LlamaTextValue): LlamaTextValue | null {
  if (typeof have === 'string' && typeof want === 'string') return have.startsWith(want) ? have.slice(want.length) : null;
  if (have instanceof SpecialTokensText && want instanceof SpecialTokensText) {
    if (!have.value.startsWith(want.value)) return null;
    const rest = have.value.slice(want.value.length);
    return rest === '' ? '' : new SpecialTokensText(rest);
  }
  if (have instanceof SpecialToken && want instanceof SpecialToken) return have.value === want.value ? '' : null;
  return null;
}

/** Pushes one by one: a spread of a long prompt's tokens would exceed the call stack's argument limit. */
function appendTokens(into: Token[], tokens: readonly Token[]): void {
  for (const token of tokens) into.push(token);
}

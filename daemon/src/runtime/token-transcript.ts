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
  remember(plan: PromptPlan, answer: string, generated: readonly Token[], detokenize: (tokens: readonly Token[]) => string): void {
    const tokens = answerTokens(answer, generated, detokenize);
    this.pieces = tokens && tokens.length > 0 ? [...plan.pieces, { text: LlamaText(answer), tokens }] : plan.pieces;
  }
}

/**
 * The generated tokens that spell `answer`. A grammar lets the model close its JSON with whitespace
 * that the answer drops (trimWhitespaceSuffix): those last tokens are left out. Null when the tokens
 * spell something else, and the answer is then tokenized afresh when it is sent back. `detokenize`
 * must spell special tokens out, so that tokens the answer's text does not show never come back.
 */
export function answerTokens(answer: string, generated: readonly Token[], detokenize: (tokens: readonly Token[]) => string): Token[] | null {
  let end = generated.length;
  while (end > 0 && detokenize(generated.slice(0, end)) !== answer) {
    if (detokenize(generated.slice(end - 1, end)).trim() !== '') return null;
    end--;
  }
  return end > 0 ? generated.slice(0, end) : null;
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

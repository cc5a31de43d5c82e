// One generation on one role's context: the chat rendered by the model's chat wrapper, the action
// constrained by a JSON-schema grammar, tokens streamed, and the cost measured: how many prompt
// tokens the role's KV cache already held (reused) and how many were evaluated anew.
import type { LlamaGrammar, Token } from 'node-llama-cpp';
import type { GenerateRequest, GenerateResult } from '../agents/ports.js';
import type { ActionConstraint } from './action-grammar.js';
import type { PatternNode } from './action-pattern.js';
import { toChatHistory } from './chat-history.js';
import { decodeAction } from './constrained-decoding.js';
import type { RoleContext } from './role-context.js';
import { rolePrompt, type RolePrompt } from './role-prompt.js';
import { TextStream } from './text-stream.js';

/**
 * The prompt does not fit the role's context. Callers should check `countTokens`/`contextSize` first
 * and trim or summarise; the runtime never drops turns on its own.
 */
export class ContextOverflowError extends Error {
  constructor(readonly promptTokens: number, readonly contextSize: number) {
    super(`The prompt is ${promptTokens} tokens, but the role's context holds ${contextSize}; shorten the conversation or raise the context size`);
    this.name = 'ContextOverflowError';
  }
}

export async function generateOnRole(role: RoleContext, request: GenerateRequest, constraint: ActionConstraint): Promise<GenerateResult> {
  const started = performance.now();
  const prompt = rolePrompt(role, toChatHistory(request.messages), request.maxTokens);
  const tokensIn = prompt.tokens.length;
  if (tokensIn >= role.context.contextSize) throw new ContextOverflowError(tokensIn, role.context.contextSize);
  // The same comparison LlamaCompletion makes: everything before the first differing token stays in the cache.
  const tokensReused = Math.min(role.sequence.compareContextTokens(prompt.tokens).firstDifferentIndex, tokensIn);
  const stream = request.onToken ? new TextStream((tokens) => role.model.detokenize(tokens), request.onToken) : null;
  const generation = constraint.kind === 'pattern'
    ? await generateWithPattern(role, request, prompt, tokensReused, constraint.pattern, stream)
    : await generateWithGrammar(role, request, prompt, constraint.grammar, stream);
  stream?.finish(generation.text);
  role.transcript.remember(prompt.plan, generation.text, generation.tokens, {
    detokenize: (tokens) => role.model.detokenize(tokens),
    isSpecialToken: (token) => role.model.isSpecialToken(token),
  });
  return {
    text: generation.text,
    action: parseAction(generation.text),
    adapter: role.adapter,
    tokensIn,
    tokensOut: generation.tokens.length,
    tokensReused,
    latencyMs: performance.now() - started,
    stopReason: generation.stopReason,
  };
}

interface Generation {
  text: string;
  tokens: Token[];
  stopReason: GenerateResult['stopReason'];
}

/** The runtime's own decoder: forced text evaluated in batches, only free positions sampled. */
async function generateWithPattern(role: RoleContext, request: GenerateRequest, prompt: RolePrompt, tokensReused: number, pattern: PatternNode, stream: TextStream | null): Promise<Generation> {
  // At least the prompt's last token is evaluated again: its logits start the answer.
  const keep = Math.min(tokensReused, prompt.tokens.length - 1);
  if (role.sequence.nextTokenIndex > keep) await role.sequence.eraseContextTokenRanges([{ start: keep, end: role.sequence.nextTokenIndex }]);
  return decodeAction(role.sequence, pattern, {
    pending: prompt.tokens.slice(keep),
    promptTail: prompt.tokens.slice(-4),
    maxTokens: request.maxTokens,
    temperature: request.temperature ?? 0,
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
    ...(stream ? { onTokens: (tokens: Token[]) => stream.push(tokens) } : {}),
  });
}

/** node-llama-cpp's completion under a GBNF grammar, for schemas the pattern decoder does not handle. */
async function generateWithGrammar(role: RoleContext, request: GenerateRequest, prompt: RolePrompt, grammar: LlamaGrammar, stream: TextStream | null): Promise<Generation> {
  const generated: Token[] = [];

  const response = await role.completion.generateCompletionWithMeta(prompt.input, {
    grammar,
    maxTokens: request.maxTokens,
    temperature: request.temperature ?? 0,
    // JSON repeats its punctuation by design; penalising repeats would push the model off valid actions.
    repeatPenalty: false,
    customStopTriggers: prompt.stopTriggers,
    // A reply that reaches the end of the context stops there (max_tokens) rather than losing the prompt's start.
    disableContextShift: true,
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(request.signal ? { signal: request.signal, stopOnAbortSignal: true } : {}),
    onToken: (tokens: Token[]) => {
      for (const token of tokens) generated.push(token);
      stream?.push(tokens);
    },
  });
  const stop = response.metadata.stopReason;
  return { text: response.response, tokens: generated, stopReason: stop === 'abort' ? 'aborted' : stop === 'maxTokens' ? 'max_tokens' : 'stop' };
}

function parseAction(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null; // stopped before the JSON closed (token budget, abort)
  }
}

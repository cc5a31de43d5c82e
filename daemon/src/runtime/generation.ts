// One generation on one role's context: the chat rendered by the model's chat wrapper, the action
// constrained by a JSON-schema grammar, tokens streamed, and the cost measured: how many prompt
// tokens the role's KV cache already held (reused) and how many were evaluated anew.
import type { LlamaGrammar, Token } from 'node-llama-cpp';
import type { GenerateRequest, GenerateResult } from '../agents/ports.js';
import { toChatHistory } from './chat-history.js';
import type { RoleContext } from './role-context.js';
import { rolePrompt } from './role-prompt.js';
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

export async function generateOnRole(role: RoleContext, request: GenerateRequest, grammar: LlamaGrammar): Promise<GenerateResult> {
  const started = performance.now();
  const prompt = rolePrompt(role, toChatHistory(request.messages), request.maxTokens);
  const tokensIn = prompt.tokens.length;
  if (tokensIn >= role.context.contextSize) throw new ContextOverflowError(tokensIn, role.context.contextSize);
  // The same comparison LlamaCompletion makes: everything before the first differing token stays in the cache.
  const tokensReused = Math.min(role.sequence.compareContextTokens(prompt.tokens).firstDifferentIndex, tokensIn);
  const generated: Token[] = [];
  const stream = request.onToken ? new TextStream((tokens) => role.model.detokenize(tokens), request.onToken) : null;

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
  stream?.finish(response.response);
  role.transcript.remember(prompt.plan, response.response, generated, {
    detokenize: (tokens) => role.model.detokenize(tokens),
    isSpecialToken: (token) => role.model.isSpecialToken(token),
  });

  const stop = response.metadata.stopReason;
  return {
    text: response.response,
    action: parseAction(response.response),
    adapter: role.adapter,
    tokensIn,
    tokensOut: generated.length,
    tokensReused,
    latencyMs: performance.now() - started,
    stopReason: stop === 'abort' ? 'aborted' : stop === 'maxTokens' ? 'max_tokens' : 'stop',
  };
}

function parseAction(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null; // stopped before the JSON closed (token budget, abort)
  }
}

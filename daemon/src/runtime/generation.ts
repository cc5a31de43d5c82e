// One generation on one role's context: the chat rendered by the model's chat wrapper, the action
// constrained by a JSON-schema grammar, tokens streamed, and the cost measured: how many prompt
// tokens the role's KV cache already held (reused) and how many were evaluated anew.
import type { ChatHistoryItem, LlamaGrammar, Token } from 'node-llama-cpp';
import type { GenerateRequest, GenerateResult } from '../agents/ports.js';
import { toChatHistory } from './chat-history.js';
import type { RoleContext } from './role-context.js';

/**
 * The prompt does not fit the role's context. Callers should check `countTokens`/`contextSize` first
 * and trim or summarise; LlamaChat would otherwise silently drop turns or fail on its own.
 */
export class ContextOverflowError extends Error {
  constructor(readonly promptTokens: number, readonly contextSize: number) {
    super(`The prompt is ${promptTokens} tokens, but the role's context holds ${contextSize}; shorten the conversation or raise the context size`);
    this.name = 'ContextOverflowError';
  }
}

export async function generateOnRole(role: RoleContext, request: GenerateRequest, grammar: LlamaGrammar): Promise<GenerateResult> {
  const started = performance.now();
  const history = toChatHistory(request.messages);
  const prompt = promptTokens(role, history);
  if (prompt.length >= role.context.contextSize) throw new ContextOverflowError(prompt.length, role.context.contextSize);
  // The same comparison LlamaChat makes: everything before the first differing token stays in the cache.
  const tokensReused = Math.min(role.sequence.compareContextTokens(prompt).firstDifferentIndex, prompt.length);
  let tokensOut = 0;

  const response = await role.chat.generateResponse(history, {
    grammar,
    maxTokens: request.maxTokens,
    temperature: request.temperature ?? 0,
    // JSON repeats its punctuation by design; penalising repeats would push the model off valid actions.
    repeatPenalty: false,
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(request.signal ? { signal: request.signal, stopOnAbortSignal: true } : {}),
    onToken: (tokens: Token[]) => { tokensOut += tokens.length; },
    ...(request.onToken ? { onTextChunk: request.onToken } : {}),
  });

  const stop = response.metadata.stopReason;
  return {
    text: response.response,
    action: parseAction(response.response),
    adapter: role.adapter,
    tokensIn: prompt.length,
    tokensOut,
    tokensReused,
    latencyMs: performance.now() - started,
    stopReason: stop === 'abort' ? 'aborted' : stop === 'maxTokens' ? 'max_tokens' : 'stop',
  };
}

/** The prompt exactly as LlamaChat renders it: the history plus the opening of an empty model turn. */
export function promptTokens(role: RoleContext, history: ChatHistoryItem[]): Token[] {
  const { contextText } = role.chat.chatWrapper.generateContextState({ chatHistory: [...history, { type: 'model', response: [] }] });
  return contextText.tokenize(role.chat.model.tokenizer);
}

function parseAction(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null; // stopped before the JSON closed (token budget, abort)
  }
}

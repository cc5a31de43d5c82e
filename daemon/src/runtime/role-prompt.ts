// A role's prompt as tokens: the chat rendered by the model's chat wrapper with an empty model turn
// opened at its end, split into tokens so that whatever this role's KV cache already holds of it,
// earlier answers included, keeps the tokens it was evaluated as.
import { LlamaVocabularyType, type ChatHistoryItem, type ChatWrapper, type LlamaModel, type LlamaText, type Token } from 'node-llama-cpp';
import type { RoleContext } from './role-context.js';
import type { PromptPlan } from './token-transcript.js';

export interface RolePrompt {
  /** What the context evaluates, in order: compare these with the cache. */
  tokens: Token[];
  /** The same, less a beginning token LlamaCompletion puts in front by itself: what to hand it. */
  input: Token[];
  plan: PromptPlan;
  /** The chat wrapper's ends of a model turn. */
  stopTriggers: LlamaText[];
}

export function rolePrompt(role: RoleContext, history: ChatHistoryItem[], maxTokens: number): RolePrompt {
  const { contextText, stopGenerationTriggers } = openModelTurn(role.chatWrapper, history);
  const tokenizer = role.model.tokenizer;
  let plan = role.transcript.plan(contextText, tokenizer);
  // An answer kept as generated can take more tokens than re-tokenized. Near the end of the context,
  // room for the reply matters more than one step's cache reuse.
  if (plan.remembered > 0 && plan.tokens.length + maxTokens > role.context.contextSize) {
    const canonical = contextText.tokenize(tokenizer);
    if (canonical.length < plan.tokens.length) plan = { tokens: canonical, pieces: [{ text: contextText, tokens: canonical }], remembered: 0 };
  }
  const bos = beginningTokenAdded(role.model);
  const input = bos !== null && plan.tokens[0] === bos ? plan.tokens.slice(1) : plan.tokens;
  return { tokens: bos === null ? input : [bos, ...input], input, plan, stopTriggers: stopGenerationTriggers };
}

/** The chat as the model's chat wrapper renders it, with an empty model turn opened at its end. */
export function openModelTurn(chatWrapper: ChatWrapper, history: ChatHistoryItem[]): { contextText: LlamaText; stopGenerationTriggers: LlamaText[] } {
  return chatWrapper.generateContextState({ chatHistory: [...history, { type: 'model', response: [] }] });
}

/**
 * The token LlamaCompletion puts before its input, as its resolveBeginningTokenToPrepend decides
 * (node-llama-cpp 3.22). Chat templates usually begin with that token already; it must not be doubled.
 */
export function beginningTokenAdded(model: LlamaModel): Token | null {
  const type = model.vocabularyType;
  if (type === LlamaVocabularyType.rwkv || type === LlamaVocabularyType.ugm) return null;
  if (type === LlamaVocabularyType.wpm || model.tokens.shouldPrependBosToken) return model.tokens.bos;
  return null;
}

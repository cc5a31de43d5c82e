// Scoring text: a recorded step as the runtime gave it to the model. The prompt is rendered by the
// same code a generation uses (chat-history.ts, then the model's chat wrapper through role-prompt.ts,
// with the beginning token LlamaCompletion adds), and the action is the text the model generated.
// Evaluation scores these tokens and training exports these texts, so both see what the model saw.
//
// The prompt's tokens are the canonical tokenization of its text. A live role context may have
// evaluated an earlier answer inside the prompt as the tokens it was sampled as (token-transcript.ts):
// the text is the same, only its split into tokens can differ. The action is tokenized the way a
// continuation is (no space prefix), which is also how the sampled tokens detokenize to it.
import { LlamaText, SpecialToken, resolveChatWrapper, type ChatWrapper, type LlamaModel, type LlamaTextValue, type Token } from 'node-llama-cpp';
import type { ChatTurn } from '../agents/ports.js';
import { toChatHistory } from './chat-history.js';
import { beginningTokenAdded, openModelTurn } from './role-prompt.js';

/** What a step needs to be rendered: the turns the model was given and the text it answered. */
export interface RecordedStepText {
  messages: readonly ChatTurn[];
  output: string;
}

export interface RenderedText {
  /** Special tokens spelled as their text (`<|im_start|>`), as a chat template writes them. */
  text: string;
  tokens: Token[];
}

export interface RenderedStep {
  /** Everything the context evaluated before the answer, the beginning token included. */
  prompt: RenderedText;
  /** The answer as generated: the action's JSON. */
  action: RenderedText;
  /** What the chat wrapper would end the model's turn with (`<|im_end|>`), for a trainer that wants the turn closed; not scored. */
  endOfTurn: string | null;
}

/** The model and its chat wrapper, chosen as a role context chooses it (createRoleContext). */
export interface StepRenderer {
  model: LlamaModel;
  chatWrapper: ChatWrapper;
}

export function stepRenderer(model: LlamaModel): StepRenderer {
  return { model, chatWrapper: resolveChatWrapper(model) };
}

export function renderStep(renderer: StepRenderer, step: RecordedStepText): RenderedStep {
  const { model, chatWrapper } = renderer;
  const { contextText, stopGenerationTriggers } = openModelTurn(chatWrapper, toChatHistory([...step.messages]));
  const canonical = contextText.tokenize(model.tokenizer);
  const bos = beginningTokenAdded(model);
  const addsBos = bos !== null && canonical[0] !== bos;
  const promptTokens = addsBos ? [bos, ...canonical] : canonical;
  const promptText = (addsBos ? model.detokenize([bos], true) : '') + spell(model, contextText);

  const actionTokens = LlamaText(step.output).tokenize(model.tokenizer, 'trimLeadingSpace');
  const trigger = stopGenerationTriggers[0];
  return {
    prompt: { text: promptText, tokens: promptTokens },
    action: { text: step.output, tokens: actionTokens },
    endOfTurn: trigger ? spell(model, trigger) : null,
  };
}

/** A LlamaText as plain text, each special token written as the model's vocabulary spells it. */
function spell(model: LlamaModel, text: LlamaText): string {
  return text.values.map((value: LlamaTextValue) => {
    if (typeof value === 'string') return value;
    if (value instanceof SpecialToken) return model.detokenize(value.tokenize(model.tokenizer), true);
    return value.value;
  }).join('');
}

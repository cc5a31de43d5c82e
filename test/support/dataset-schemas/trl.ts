// JSON schemas of TRL's conversational dataset types, written from huggingface.co/docs/trl/dataset_formats:
// language modeling (`messages`) for SFTTrainer, preference (`prompt` / `chosen` / `rejected`) for
// DPOTrainer, unpaired preference (`prompt` / `completion` / `label` boolean) for KTOTrainer, and the
// tool-calling section: assistant messages carry `tool_calls` of {type: function, function: {name,
// arguments}} with arguments as an object, results come back as `tool` messages, and `tools` is a
// list of JSON-schema function definitions. `metadata` is Tandem's provenance field.
import { functionTool } from './openai.js';

const text = { type: 'string' };

const systemOrUser = {
  type: 'object', required: ['role', 'content'], additionalProperties: false,
  properties: { role: { enum: ['system', 'user'] }, content: text },
};

const assistant = {
  type: 'object', required: ['role'], additionalProperties: false,
  properties: {
    role: { const: 'assistant' },
    content: text,
    tool_calls: {
      type: 'array', minItems: 1,
      items: {
        type: 'object', required: ['type', 'function'], additionalProperties: false,
        properties: {
          id: text,
          type: { const: 'function' },
          function: {
            type: 'object', required: ['name', 'arguments'], additionalProperties: false,
            properties: { name: text, arguments: { type: 'object' } },
          },
        },
      },
    },
  },
  anyOf: [{ required: ['content'] }, { required: ['tool_calls'] }],
};

const tool = {
  type: 'object', required: ['role', 'content'], additionalProperties: false,
  properties: { role: { const: 'tool' }, name: text, tool_call_id: text, content: text },
};

const messages = (minItems: number) => ({ type: 'array', minItems, items: { oneOf: [systemOrUser, assistant, tool] } });
const completion = { ...messages(1), contains: { properties: { role: { const: 'assistant' } } } };
const tools = { type: 'array', minItems: 1, items: functionTool };
const metadata = { type: 'object', required: ['task_id', 'base_model_sha', 'adapter_version', 'repo', 'review', 'signal'] };

export const trlSftSchema = {
  type: 'object', required: ['messages'], additionalProperties: false,
  properties: { messages: completion, tools, metadata },
};

export const trlDpoSchema = {
  type: 'object', required: ['prompt', 'chosen', 'rejected'], additionalProperties: false,
  properties: { prompt: messages(1), chosen: completion, rejected: completion, tools, metadata },
};

export const trlKtoSchema = {
  type: 'object', required: ['prompt', 'completion', 'label'], additionalProperties: false,
  properties: { prompt: messages(1), completion, label: { type: 'boolean' }, tools, metadata },
};

/** Groups of attempts (tandem.attempts): one prompt, a completion and a reward in [0, 1] per attempt. */
export const trlGrpoSchema = {
  type: 'object', required: ['prompt', 'completions', 'rewards'], additionalProperties: false,
  properties: {
    prompt: messages(1),
    completions: { type: 'array', minItems: 2, items: completion },
    rewards: { type: 'array', minItems: 2, items: { type: 'number', minimum: 0, maximum: 1 } },
    tools, metadata,
  },
};

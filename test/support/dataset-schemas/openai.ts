// JSON schemas of OpenAI's fine-tuning file formats, written from OpenAI's documentation:
// supervised chat examples (platform.openai.com/docs/guides/fine-tuning, the per-line
// FineTuneChatRequestInput: messages, tools, parallel_tool_calls; assistant `tool_calls` with
// JSON-string arguments; `tool` messages answering a `tool_call_id`; `weight` 0/1 on assistant
// messages) and preference examples (.../guides/direct-preference-optimization: `input` with
// messages/tools/parallel_tool_calls, `preferred_output` and `non_preferred_output`, each one
// assistant message). `metadata` is Tandem's provenance field, allowed here by name only.

const text = { type: 'string' };

export const functionTool = {
  type: 'object',
  required: ['type', 'function'],
  additionalProperties: false,
  properties: {
    type: { const: 'function' },
    function: {
      type: 'object',
      required: ['name', 'parameters'],
      additionalProperties: false,
      properties: {
        name: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,64}$' },
        description: text,
        parameters: { type: 'object', required: ['type', 'properties'], properties: { type: { const: 'object' } } },
      },
    },
  },
};

const toolCall = {
  type: 'object',
  required: ['id', 'type', 'function'],
  additionalProperties: false,
  properties: {
    id: text,
    type: { const: 'function' },
    function: {
      type: 'object',
      required: ['name', 'arguments'],
      additionalProperties: false,
      properties: { name: text, arguments: text },
    },
  },
};

const systemOrUser = {
  type: 'object',
  required: ['role', 'content'],
  additionalProperties: false,
  properties: { role: { enum: ['system', 'user'] }, content: text },
};

const assistant = {
  type: 'object',
  required: ['role'],
  additionalProperties: false,
  properties: {
    role: { const: 'assistant' },
    content: { type: ['string', 'null'] },
    tool_calls: { type: 'array', minItems: 1, items: toolCall },
    weight: { enum: [0, 1] },
  },
  anyOf: [{ required: ['content'] }, { required: ['tool_calls'] }],
};

const tool = {
  type: 'object',
  required: ['role', 'content', 'tool_call_id'],
  additionalProperties: false,
  properties: { role: { const: 'tool' }, content: text, tool_call_id: text },
};

const message = { oneOf: [systemOrUser, assistant, tool] };
const tools = { type: 'array', items: functionTool };
const metadata = { type: 'object', required: ['task_id', 'base_model_sha', 'adapter_version', 'repo', 'review', 'signal'] };

export const openaiSftSchema = {
  type: 'object',
  required: ['messages'],
  additionalProperties: false,
  properties: {
    messages: { type: 'array', minItems: 2, items: message, contains: { properties: { role: { const: 'assistant' } } } },
    tools,
    parallel_tool_calls: { type: 'boolean' },
    metadata,
  },
};

export const openaiDpoSchema = {
  type: 'object',
  required: ['input', 'preferred_output', 'non_preferred_output'],
  additionalProperties: false,
  properties: {
    input: {
      type: 'object',
      required: ['messages'],
      additionalProperties: false,
      properties: { messages: { type: 'array', minItems: 1, items: message }, tools, parallel_tool_calls: { type: 'boolean' } },
    },
    preferred_output: { type: 'array', minItems: 1, maxItems: 1, items: assistant },
    non_preferred_output: { type: 'array', minItems: 1, maxItems: 1, items: assistant },
    metadata,
  },
};

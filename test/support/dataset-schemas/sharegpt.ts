// JSON schema of the ShareGPT format as LLaMA-Factory reads it (LLaMA-Factory data/README.md):
// `conversations`, a list of {from, value} with from in human / gpt / function_call / observation,
// an optional `system` string and `tools` as a string holding the JSON tool descriptions. A
// function_call's value is JSON {"name", "arguments"}. Position rules (user side at odd positions,
// model side at even ones) cannot be said in JSON Schema; the tests check them in code.
const turn = {
  type: 'object', required: ['from', 'value'], additionalProperties: false,
  properties: { from: { enum: ['human', 'gpt', 'function_call', 'observation'] }, value: { type: 'string' } },
};

export const sharegptSchema = {
  type: 'object', required: ['conversations'], additionalProperties: false,
  properties: {
    conversations: { type: 'array', minItems: 2, items: turn },
    system: { type: 'string' },
    tools: { type: 'string' },
    metadata: { type: 'object', required: ['task_id', 'base_model_sha', 'adapter_version', 'repo', 'review', 'signal'] },
  },
};

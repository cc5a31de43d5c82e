// JSON schema of Tandem's own `tandem-steps` format (store/export/formats/tandem-steps.ts): one model
// call per record, the chat turns as the runtime gave them and the raw text generated. `metadata` is
// the unit's provenance, as in the other formats.
export const tandemStepsSchema = {
  type: 'object',
  required: ['task_id', 'step_id', 'role', 'messages', 'output', 'label', 'pair_key', 'first_of_version', 'metadata'],
  additionalProperties: false,
  properties: {
    task_id: { type: 'string' },
    step_id: { type: 'integer' },
    role: { enum: ['orchestrator', 'worker', 'critic'] },
    messages: {
      type: 'array', minItems: 1,
      items: {
        type: 'object', required: ['role', 'content'], additionalProperties: false,
        properties: { role: { enum: ['system', 'user', 'assistant', 'tool'] }, content: { type: 'string' } },
      },
    },
    output: { type: 'string' },
    label: { enum: ['merged', 'reverted', 'approved', 'rejected', 'partial', 'unreviewed'] },
    pair_key: { type: 'string' },
    first_of_version: { type: 'boolean' },
    metadata: { type: 'object', required: ['task_id', 'step_ids', 'label'] },
  },
};

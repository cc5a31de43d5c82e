// The JSON schemas each role's action is generated under. node-llama-cpp turns them into a grammar,
// so the tool name is always one of the role's tools and every field has its type. Strings are
// bounded: a random or confused model cannot run a string on forever, and a cut-off string (which may
// end inside a multi-byte character) never closes the JSON, so it parses as "no action".
import type { GbnfJsonSchema } from 'node-llama-cpp';
import type { Role } from '../protocol/types.js';
import { buildCriticSchema } from './critic-verdict.js';
import { FIELD_LIMITS, type FieldLimits } from './field-limits.js';
import type { ActionSchema } from './ports.js';
import { grammarProperty } from './tools/tool-args.js';
import { WORKER_TOOLS, workerToolEntry } from './tools/worker-tools.js';

export { FIELD_LIMITS, type FieldLimits } from './field-limits.js';

const text = (maxLength: number) => ({ type: 'string', maxLength }) as const;
const action = (tool: string, args: Record<string, GbnfJsonSchema>) =>
  ({ type: 'object', properties: { tool: { const: tool }, args: { type: 'object', properties: args } } }) as const;

export const ORCHESTRATOR_TOOLS = ['delegate', 'accept', 'revise', 'finish', 'give_up'] as const;
export { WORKER_TOOLS };

export const buildOrchestratorSchema = (limits: FieldLimits) => ({
  oneOf: [
    action('delegate', {
      instruction: text(limits.instruction),
      files: { type: 'array', items: text(limits.path), maxItems: limits.files },
    }),
    action('accept', {}),
    action('revise', { feedback: text(limits.feedback) }),
    action('finish', { summary: text(limits.summary) }),
    action('give_up', { reason: text(limits.reason) }),
  ],
}) as const satisfies GbnfJsonSchema;

/** The worker's grammar, derived from its tool table. */
export const buildWorkerSchema = (limits: FieldLimits) => ({
  oneOf: WORKER_TOOLS.map((tool) => {
    const specs = Object.entries(workerToolEntry(tool).args);
    return action(tool, Object.fromEntries(specs.map(([key, spec]) => [key, grammarProperty(spec, limits)])));
  }),
}) satisfies GbnfJsonSchema;

export const orchestratorSchema = buildOrchestratorSchema(FIELD_LIMITS);
export const workerSchema = buildWorkerSchema(FIELD_LIMITS);

/**
 * The role's schema, offering only `tools` when given (the actions that make sense in the loop's state).
 * Tighter limits than FIELD_LIMITS (which the parser enforces) suit small models.
 */
export function schemaFor(role: Role, limits: FieldLimits = FIELD_LIMITS, tools?: readonly string[]): ActionSchema {
  if (role === 'critic') return buildCriticSchema(limits.summary);
  const full = limits === FIELD_LIMITS
    ? (role === 'orchestrator' ? orchestratorSchema : workerSchema)
    : (role === 'orchestrator' ? buildOrchestratorSchema(limits) : buildWorkerSchema(limits));
  if (!tools) return full;
  return { oneOf: full.oneOf.filter((option) => tools.includes(option.properties.tool.const)) };
}

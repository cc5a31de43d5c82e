// The JSON schemas each role's action is generated under. node-llama-cpp turns them into a grammar,
// so the tool name is always one of the role's tools and every field has its type. Strings are
// bounded: a random or confused model cannot run a string on forever, and a cut-off string (which may
// end inside a multi-byte character) never closes the JSON, so it parses as "no action".
import type { GbnfJsonSchema } from 'node-llama-cpp';
import type { Role } from '../protocol/types.js';
import { buildCriticSchema } from './critic-verdict.js';
import type { ActionSchema } from './ports.js';

/** Longest value, in characters, the grammar lets each kind of field take. */
export const FIELD_LIMITS = {
  path: 256,
  instruction: 2000,
  feedback: 1000,
  summary: 1000,
  reason: 500,
  content: 4000,
  searchText: 2000,
  command: 300,
  query: 200,
  files: 8,
} as const;

export type FieldLimits = { [K in keyof typeof FIELD_LIMITS]: number };

const text = (maxLength: number) => ({ type: 'string', maxLength }) as const;
const action = (tool: string, args: Record<string, GbnfJsonSchema>) =>
  ({ type: 'object', properties: { tool: { const: tool }, args: { type: 'object', properties: args } } }) as const;

// node-llama-cpp makes every listed property required, so optional line numbers are nullable instead.
const lineNumber = { type: ['integer', 'null'] } as const;

export const ORCHESTRATOR_TOOLS = ['delegate', 'accept', 'revise', 'finish', 'give_up'] as const;
export const WORKER_TOOLS = ['list_files', 'read_file', 'search', 'write_file', 'edit_file', 'run', 'done'] as const;

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

export const buildWorkerSchema = (limits: FieldLimits) => ({
  oneOf: [
    action('list_files', { path: text(limits.path) }),
    action('read_file', { path: text(limits.path), start_line: lineNumber, end_line: lineNumber }),
    action('search', { query: text(limits.query), regex: { type: 'boolean' } }),
    action('write_file', { path: text(limits.path), content: text(limits.content) }),
    action('edit_file', {
      path: text(limits.path),
      search: text(limits.searchText),
      replace: text(limits.searchText),
    }),
    action('run', { command: text(limits.command) }),
    action('done', { summary: text(limits.summary) }),
  ],
}) as const satisfies GbnfJsonSchema;

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

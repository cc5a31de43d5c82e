// The JSON schemas each role's action is generated under. node-llama-cpp turns them into a grammar,
// so the tool name is always one of the role's tools and every field has its type. Strings are
// bounded: a random or confused model cannot run a string on forever, and a cut-off string (which may
// end inside a multi-byte character) never closes the JSON, so it parses as "no action".
import type { GbnfJsonSchema } from 'node-llama-cpp';
import type { Role } from '../protocol/types.js';
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

const text = (maxLength: number) => ({ type: 'string', maxLength }) as const;
const action = (tool: string, args: Record<string, GbnfJsonSchema>) =>
  ({ type: 'object', properties: { tool: { const: tool }, args: { type: 'object', properties: args } } }) as const;

// node-llama-cpp makes every listed property required, so optional line numbers are nullable instead.
const lineNumber = { type: ['integer', 'null'] } as const;

export const ORCHESTRATOR_TOOLS = ['delegate', 'accept', 'revise', 'finish', 'give_up'] as const;
export const WORKER_TOOLS = ['list_files', 'read_file', 'search', 'write_file', 'edit_file', 'run', 'done'] as const;

export const orchestratorSchema = {
  oneOf: [
    action('delegate', {
      instruction: text(FIELD_LIMITS.instruction),
      files: { type: 'array', items: text(FIELD_LIMITS.path), maxItems: FIELD_LIMITS.files },
    }),
    action('accept', {}),
    action('revise', { feedback: text(FIELD_LIMITS.feedback) }),
    action('finish', { summary: text(FIELD_LIMITS.summary) }),
    action('give_up', { reason: text(FIELD_LIMITS.reason) }),
  ],
} as const satisfies GbnfJsonSchema;

export const workerSchema = {
  oneOf: [
    action('list_files', { path: text(FIELD_LIMITS.path) }),
    action('read_file', { path: text(FIELD_LIMITS.path), start_line: lineNumber, end_line: lineNumber }),
    action('search', { query: text(FIELD_LIMITS.query), regex: { type: 'boolean' } }),
    action('write_file', { path: text(FIELD_LIMITS.path), content: text(FIELD_LIMITS.content) }),
    action('edit_file', {
      path: text(FIELD_LIMITS.path),
      search: text(FIELD_LIMITS.searchText),
      replace: text(FIELD_LIMITS.searchText),
    }),
    action('run', { command: text(FIELD_LIMITS.command) }),
    action('done', { summary: text(FIELD_LIMITS.summary) }),
  ],
} as const satisfies GbnfJsonSchema;

export function schemaFor(role: Role): ActionSchema {
  return role === 'orchestrator' ? orchestratorSchema : workerSchema;
}

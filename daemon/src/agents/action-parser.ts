// Turns a generated JSON value into a typed action, or an error the model is shown. The grammar
// guarantees the shape, not the sense: an empty path or an end line before the start line still
// parses, and a scripted or cut-off generation may not match the shape at all.
import type { AgentAction, CriticAction, OrchestratorAction, Role, WorkerAction } from '../protocol/types.js';
import { FIELD_LIMITS, ORCHESTRATOR_TOOLS, WORKER_TOOLS } from './action-schemas.js';
import { parseCriticAction } from './critic-verdict.js';

export type ParsedAction<A extends AgentAction = AgentAction> =
  | { ok: true; action: A }
  | { ok: false; tool: string | null; error: string };

type Args = Record<string, unknown>;
class ActionError extends Error {}

export function parseAction(role: 'orchestrator', json: unknown): ParsedAction<OrchestratorAction>;
export function parseAction(role: 'worker', json: unknown): ParsedAction<WorkerAction>;
export function parseAction(role: 'critic', json: unknown): ParsedAction<CriticAction>;
export function parseAction(role: Role, json: unknown): ParsedAction;
export function parseAction(role: Role, json: unknown): ParsedAction {
  let value = json;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return { ok: false, tool: null, error: 'The action is not valid JSON. Reply with one JSON object: {"tool": ..., "args": {...}}.' };
    }
  }
  if (value === null || value === undefined) {
    return { ok: false, tool: null, error: 'No action was produced (the output stopped before the JSON closed). Reply with one complete, shorter action.' };
  }
  if (!isObject(value) || typeof value.tool !== 'string') {
    return { ok: false, tool: null, error: 'An action is a JSON object {"tool": <name>, "args": {...}}.' };
  }
  if (role === 'critic') return parseCriticAction(value, FIELD_LIMITS.summary);
  const tool = value.tool;
  const tools: readonly string[] = role === 'orchestrator' ? ORCHESTRATOR_TOOLS : WORKER_TOOLS;
  if (!tools.includes(tool)) {
    const hint = role === 'orchestrator' && (WORKER_TOOLS as readonly string[]).includes(tool)
      ? ' The orchestrator never edits or reads files itself: delegate that to the worker.'
      : '';
    return { ok: false, tool, error: `Unknown tool "${tool}". Use one of: ${tools.join(', ')}.${hint}` };
  }
  const args = value.args ?? {};
  if (!isObject(args)) return { ok: false, tool, error: `"args" of ${tool} must be a JSON object.` };
  try {
    const action = role === 'orchestrator' ? orchestratorArgs(tool, args) : workerArgs(tool, args);
    return { ok: true, action };
  } catch (error) {
    if (error instanceof ActionError) return { ok: false, tool, error: `${tool}: ${error.message}` };
    throw error;
  }
}

function orchestratorArgs(tool: string, args: Args): OrchestratorAction {
  switch (tool) {
    case 'delegate': {
      only(args, ['instruction', 'files']);
      const files = args.files ?? [];
      if (!Array.isArray(files) || files.length > FIELD_LIMITS.files) {
        throw new ActionError(`"files" must be a list of at most ${FIELD_LIMITS.files} paths.`);
      }
      const paths = files.map((file, i) => text({ [`files[${i}]`]: file }, `files[${i}]`, FIELD_LIMITS.path));
      return { tool, args: { instruction: text(args, 'instruction', FIELD_LIMITS.instruction), files: paths } };
    }
    case 'accept':
      only(args, []);
      return { tool, args: {} };
    case 'revise':
      only(args, ['feedback']);
      return { tool, args: { feedback: text(args, 'feedback', FIELD_LIMITS.feedback) } };
    case 'finish':
      only(args, ['summary']);
      return { tool, args: { summary: text(args, 'summary', FIELD_LIMITS.summary, true) } };
    default:
      only(args, ['reason']);
      return { tool: 'give_up', args: { reason: text(args, 'reason', FIELD_LIMITS.reason) } };
  }
}

function workerArgs(tool: string, args: Args): WorkerAction {
  switch (tool) {
    case 'list_files':
      only(args, ['path']);
      // An empty path means the worktree's root.
      return { tool, args: { path: text(args, 'path', FIELD_LIMITS.path, true) } };
    case 'read_file': {
      only(args, ['path', 'start_line', 'end_line']);
      const start = line(args, 'start_line');
      const end = line(args, 'end_line');
      if (start !== undefined && end !== undefined && end < start) {
        throw new ActionError(`end_line (${end}) is before start_line (${start}).`);
      }
      const lines = { ...(start !== undefined && { start_line: start }), ...(end !== undefined && { end_line: end }) };
      return { tool, args: { path: text(args, 'path', FIELD_LIMITS.path), ...lines } };
    }
    case 'search':
      only(args, ['query', 'regex']);
      if (args.regex !== undefined && typeof args.regex !== 'boolean') throw new ActionError('"regex" must be true or false.');
      return { tool, args: { query: text(args, 'query', FIELD_LIMITS.query), regex: args.regex === true } };
    case 'write_file':
      only(args, ['path', 'content']);
      return { tool, args: { path: text(args, 'path', FIELD_LIMITS.path), content: text(args, 'content', FIELD_LIMITS.content, true) } };
    case 'edit_file':
      only(args, ['path', 'search', 'replace']);
      return {
        tool,
        args: {
          path: text(args, 'path', FIELD_LIMITS.path),
          search: text(args, 'search', FIELD_LIMITS.searchText),
          replace: text(args, 'replace', FIELD_LIMITS.searchText, true),
        },
      };
    case 'run':
      only(args, ['command']);
      return { tool, args: { command: text(args, 'command', FIELD_LIMITS.command) } };
    default:
      only(args, ['summary']);
      return { tool: 'done', args: { summary: text(args, 'summary', FIELD_LIMITS.summary, true) } };
  }
}

function text(args: Args, key: string, maxLength: number, emptyAllowed = false): string {
  const value = args[key];
  if (typeof value !== 'string') throw new ActionError(`"${key}" must be a string.`);
  if (!emptyAllowed && value.trim() === '') throw new ActionError(`"${key}" must not be empty.`);
  if (value.length > maxLength) throw new ActionError(`"${key}" is longer than ${maxLength} characters.`);
  return value;
}

function line(args: Args, key: string): number | undefined {
  const value = args[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ActionError(`"${key}" must be a line number (1 or more) or null.`);
  }
  return value;
}

function only(args: Args, allowed: string[]): void {
  const extra = Object.keys(args).filter((key) => !allowed.includes(key));
  if (extra.length > 0) {
    const expected = allowed.length ? allowed.join(', ') : 'none';
    throw new ActionError(`unexpected argument ${extra.map((k) => `"${k}"`).join(', ')} (expected: ${expected}).`);
  }
}

function isObject(value: unknown): value is Args {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

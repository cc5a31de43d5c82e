// Turns a generated JSON value into a typed action, or an error the model is shown. The grammar
// guarantees the shape, not the sense: an empty path or an end line before the start line still
// parses, and a scripted or cut-off generation may not match the shape at all.
import type { AgentAction, CriticAction, OrchestratorAction, Role, WorkerAction } from '../protocol/types.js';
import { FIELD_LIMITS, ORCHESTRATOR_TOOLS } from './action-schemas.js';
import { parseCriticAction } from './critic-verdict.js';
import { ArgumentError, parseArgs, readText as text, rejectExtraArgs as only, type Args } from './tools/tool-args.js';
import { WORKER_TOOLS, workerToolEntry, type WorkerTool } from './tools/worker-tools.js';

export type ParsedAction<A extends AgentAction = AgentAction> =
  | { ok: true; action: A }
  | { ok: false; tool: string | null; error: string };

/** A mistake in an action, said so the model can correct it. */
class ActionError extends ArgumentError {}

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
    const action = role === 'orchestrator' ? orchestratorArgs(tool, args) : workerArgs(tool as WorkerTool, args);
    return { ok: true, action };
  } catch (error) {
    if (error instanceof ArgumentError) return { ok: false, tool, error: `${tool}: ${error.message}` };
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

/** The worker's arguments are checked as its tool table describes them. */
function workerArgs(tool: WorkerTool, args: Args): WorkerAction {
  const entry = workerToolEntry(tool);
  const parsed = parseArgs(entry.args, args);
  const action = { tool, args: parsed } as WorkerAction;
  const mistake = entry.check?.(action.args);
  if (mistake) throw new ActionError(mistake);
  return action;
}

function isObject(value: unknown): value is Args {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

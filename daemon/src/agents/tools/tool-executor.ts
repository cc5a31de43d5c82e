// The ToolExecutor the worker loop calls: one worker action in, one ToolCallRecord out. Mistakes
// and refusals come back as ok=false with a message the model reads; nothing here throws at the loop.
import { WORKER_TOOLS } from '../action-schemas.js';
import type { TaskWorkspace, ToolExecutor } from '../ports.js';
import type { ToolCallRecord, WorkerAction } from '../../protocol/types.js';
import { editFile } from './edit-file.js';
import { listFiles } from './list-files.js';
import { cutMiddle } from './output-cap.js';
import { readFile } from './read-file.js';
import { runCommand } from './run-command.js';
import { search } from './search.js';
import { DEFAULT_TOOL_LIMITS, refused, type ToolContext, type ToolLimits, type ToolOutcome } from './tool-context.js';
import { writeFile } from './write-file.js';

export interface WorkerToolsOptions {
  /** The commands the user allowed for the task's repository (per-repo config), e.g. ["npm test"]. */
  allowlist: (workspace: TaskWorkspace) => readonly string[];
  /** Whether the user lets the repository's commands use the network (default: no). */
  network?: (workspace: TaskWorkspace) => boolean;
  limits?: Partial<ToolLimits>;
}

export function createWorkerTools(options: WorkerToolsOptions): ToolExecutor {
  const limits: ToolLimits = { ...DEFAULT_TOOL_LIMITS, ...options.limits };
  return {
    async execute(workspace: TaskWorkspace, action: WorkerAction, signal?: AbortSignal): Promise<ToolCallRecord> {
      const started = performance.now();
      const context: ToolContext = { root: workspace.root, limits, ...(signal ? { signal } : {}) };
      const tool = String((action as { tool?: unknown } | null)?.tool);
      let outcome: ToolOutcome;
      try {
        outcome = await dispatch(context, action, () => options.allowlist(workspace), () => options.network?.(workspace) ?? false);
      } catch (error) {
        outcome = refused(`${tool} failed: ${(error as Error).message}`);
      }
      return {
        tool,
        args: action?.args ?? null,
        ok: outcome.ok,
        result: cutMiddle(outcome.result, limits.maxOutputChars),
        durationMs: performance.now() - started,
      };
    },
  };
}

function dispatch(context: ToolContext, action: WorkerAction, allowlist: () => readonly string[], network: () => boolean): Promise<ToolOutcome> {
  // The grammar makes args an object; a hand-made or damaged action is still answered, not thrown.
  const args = (typeof action?.args === 'object' && action.args !== null ? action.args : {}) as Record<string, unknown>;
  switch (action?.tool) {
    case 'list_files': return listFiles(context, args);
    case 'read_file': return readFile(context, args);
    case 'search': return search(context, args);
    case 'write_file': return writeFile(context, args);
    case 'edit_file': return editFile(context, args);
    case 'run': return runCommand(context, args, allowlist(), network());
    case 'done': return Promise.resolve({ ok: true, result: typeof args.summary === 'string' && args.summary.trim() ? args.summary : '(no summary)' });
    default: return Promise.resolve(refused(`unknown tool ${JSON.stringify((action as { tool?: unknown } | null)?.tool)}: use one of ${WORKER_TOOLS.join(', ')}.`));
  }
}

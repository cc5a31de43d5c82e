// The ToolExecutor the worker loop calls: one worker action in, one ToolCallRecord out. Mistakes
// and refusals come back as ok=false with a message the model reads; nothing here throws at the loop.
import type { TaskWorkspace, ToolExecutor } from '../ports.js';
import type { ToolCallRecord, WorkerAction } from '../../protocol/types.js';
import { cutMiddle } from './output-cap.js';
import { DEFAULT_TOOL_LIMITS, refused, type ToolContext, type ToolLimits, type ToolOutcome } from './tool-context.js';
import { isWorkerTool, WORKER_TOOLS, workerToolEntry, type CommandPolicy } from './worker-tools.js';

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
        const commands: CommandPolicy = { allowlist: () => options.allowlist(workspace), network: () => options.network?.(workspace) ?? false };
        outcome = await dispatch(context, action, commands);
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

/** The tool's executor from the worker tool table. */
function dispatch(context: ToolContext, action: WorkerAction, commands: CommandPolicy): Promise<ToolOutcome> {
  const tool = (action as { tool?: unknown } | null)?.tool;
  if (!isWorkerTool(tool)) return Promise.resolve(refused(`unknown tool ${JSON.stringify(tool)}: use one of ${WORKER_TOOLS.join(', ')}.`));
  // The grammar makes args an object; a hand-made or damaged action is still answered, not thrown.
  const args = (typeof action.args === 'object' && action.args !== null ? action.args : {}) as Record<string, unknown>;
  return workerToolEntry(tool).execute(context, args, commands);
}

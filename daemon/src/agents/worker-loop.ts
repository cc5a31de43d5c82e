// The worker on one subtask: it acts through the tools until it says done, a guard stops it, or the
// task is cancelled. Its conversation is kept in a session, so a revision continues where it left off.
import type { SubtaskRecord, ToolCallRecord, WorkerAction } from '../protocol/types.js';
import { BudgetMeter, ProgressGuard, RepeatGuard, type GuardStop } from './guards.js';
import type { ChatTurn } from './ports.js';
import { recordToolCall, shownLimit, type RoundContext } from './round-context.js';
import { runStep } from './step-runner.js';
import { WORKER_TOOL_TABLE, WORKER_TOOLS } from './tools/worker-tools.js';
import { reviseMessage, toolResultMessage, workerBrief } from './transcript.js';

export interface WorkerSession {
  readonly subtask: SubtaskRecord;
  readonly messages: ChatTurn[];
  readonly meter: BudgetMeter;
  readonly repeats: RepeatGuard;
  readonly progress: ProgressGuard;
  /** The worker's latest recorded step, which the subtask's diff is recorded against. */
  lastStepId: number | null;
  /** The commands the worker ran, with their results: the critic sees them. */
  readonly runs: ToolCallRecord[];
}

export type WorkerOutcome = { kind: 'done'; summary: string } | { kind: 'stopped'; stop: GuardStop };

/** Tools that can change the worktree; only after these can the diff have moved. */
const CHANGING_TOOLS = new Set(WORKER_TOOLS.filter((tool) => WORKER_TOOL_TABLE[tool].writesFiles));

export async function startWorkerSession(ctx: RoundContext, subtask: SubtaskRecord): Promise<WorkerSession> {
  const files: { path: string; text: string }[] = [];
  for (const path of subtask.files) {
    // Read through the tools, so a relevant file outside the worktree is refused like any other read.
    const call = await executeTool(ctx, { tool: 'read_file', args: { path } });
    files.push({ path, text: toolResultMessage(call, shownLimit(ctx)) });
  }
  const system = ctx.config.prompts.worker.text;
  const brief = workerBrief(ctx.prompt, subtask.instruction, files);
  const start = await ctx.workspace.diff(ctx.round);
  return {
    subtask,
    messages: [{ role: 'system', content: system }, { role: 'user', content: brief }],
    meter: new BudgetMeter('subtask', ctx.config.subtask),
    repeats: new RepeatGuard(ctx.config.repeatLimit, 'subtask'),
    progress: new ProgressGuard(ctx.config.noProgressLimit, start.patchId),
    lastStepId: null,
    runs: [],
  };
}

/** The orchestrator's feedback; the worker's guards start over, its budget does not. */
export function reviseWorkerSession(session: WorkerSession, feedback: string): void {
  session.messages.push({ role: 'user', content: reviseMessage(feedback) });
  session.repeats.reset();
  session.progress.reset();
}

export async function runWorker(ctx: RoundContext, session: WorkerSession): Promise<WorkerOutcome> {
  const subtaskId = session.subtask.id;
  for (;;) {
    const step = await runStep(ctx, {
      role: 'worker', subtaskId, messages: session.messages, meters: [ctx.taskMeter, session.meter], pinned: 2,
    });
    if (step.kind === 'stopped') return { kind: 'stopped', stop: step.stop };
    session.lastStepId = step.stepId;
    if (step.kind === 'invalid') {
      const stop = session.progress.step(null);
      if (stop) return { kind: 'stopped', stop };
      continue;
    }
    // The worker's grammar and parser only produce worker actions.
    const action = step.action as WorkerAction;
    if (action.tool === 'done') {
      const call = { tool: 'done', args: action.args, ok: true, result: 'Subtask reported done.', durationMs: 0 };
      recordToolCall(ctx, step.stepId, step.stepKey, call);
      return { kind: 'done', summary: action.args.summary };
    }
    const loop = session.repeats.see(action.tool, action.args);
    if (loop) {
      const call = { tool: action.tool, args: action.args, ok: false, result: `Not run: ${loop.detail}.`, durationMs: 0 };
      recordToolCall(ctx, step.stepId, step.stepKey, call);
      return { kind: 'stopped', stop: loop };
    }
    const call = await executeTool(ctx, action);
    recordToolCall(ctx, step.stepId, step.stepKey, call);
    if (action.tool === 'run') session.runs.push(call);
    session.messages.push({ role: 'tool', content: toolResultMessage(call, shownLimit(ctx)) });
    if (ctx.signal?.aborted) return { kind: 'stopped', stop: { reason: 'cancelled', scope: 'task', detail: 'the task was cancelled' } };
    const patchId = CHANGING_TOOLS.has(action.tool) ? (await ctx.workspace.diff(ctx.round)).patchId : null;
    const stop = session.progress.step(patchId);
    if (stop) return { kind: 'stopped', stop };
  }
}

/** Tool failures are results the model sees; even an executor bug must not end the task. */
async function executeTool(ctx: RoundContext, action: WorkerAction): Promise<ToolCallRecord> {
  const started = performance.now();
  try {
    return await ctx.tools.execute(ctx.workspace, action, ctx.signal);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { tool: action.tool, args: action.args, ok: false, result: `The tool failed: ${message}`, durationMs: performance.now() - started };
  }
}

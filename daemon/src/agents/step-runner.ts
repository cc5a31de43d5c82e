// One model call of either role: fit the history into the context, check the budgets, generate the
// action under the role's grammar, record the step, and parse the action. An invalid action is
// recorded and shown to the model as an error; it never ends the loop by itself.
import type { AgentAction, Role, StepRecord } from '../protocol/types.js';
import { maxTokensOf } from './agent-config.js';
import { schemaFor } from './action-schemas.js';
import { parseAction } from './action-parser.js';
import { fitContext } from './context-compaction.js';
import type { BudgetMeter, GuardStop } from './guards.js';
import type { ChatTurn, GenerateResult, StepInput } from './ports.js';
import { recordToolCall, shownLimit, stepAdapterOf, type RoundContext } from './round-context.js';
import { toolResultMessage } from './transcript.js';

export interface StepRequest {
  role: Role;
  subtaskId: string | null;
  /** The role's history; the assistant turn (and an invalid action's error) is appended to it. */
  messages: ChatTurn[];
  /** The task's meter and, for the worker, the subtask's. */
  meters: BudgetMeter[];
  /** Leading turns compaction never drops. */
  pinned: number;
  /** The tools that make sense now; the grammar offers only these. All of the role's when absent. */
  tools?: readonly string[];
}

export type StepResult =
  | { kind: 'action'; stepId: number; stepKey: string; action: AgentAction }
  | { kind: 'invalid'; stepId: number; stepKey: string; error: string }
  | { kind: 'stopped'; stop: GuardStop };

/** What a step's record needs from a generation, including one that threw. */
type Generation = Omit<GenerateResult, 'action' | 'stopReason'> & { stopReason: string };

const cancelled = (detail: string): StepResult => ({ kind: 'stopped', stop: { reason: 'cancelled', scope: 'task', detail } });

export async function runStep(ctx: RoundContext, request: StepRequest): Promise<StepResult> {
  const { role, messages, meters } = request;
  if (ctx.signal?.aborted) return cancelled('the task was cancelled');
  for (const meter of meters) {
    const stop = meter.check();
    if (stop) return { kind: 'stopped', stop };
  }
  const maxTokens = Math.max(1, Math.min(maxTokensOf(ctx.config, role), ...meters.map((m) => m.remainingTokens())));
  const fit = fitContext(messages, {
    contextSize: ctx.model.contextSize(role),
    reserve: maxTokens,
    countTokens: (text) => ctx.model.countTokens(text),
    compactAt: ctx.config.compactAt,
    compactTo: ctx.config.compactTo,
    pinned: request.pinned,
    keepRecent: 4,
  });
  const scope = role === 'worker' ? 'subtask' : 'task';
  if (!fit.ok) return { kind: 'stopped', stop: { reason: 'context_overflow', scope, detail: fit.detail } };

  const stepKey = `${ctx.taskId}:${ctx.round}:${++ctx.stepCount}`;
  const sent = messages.map((m) => ({ ...m }));
  ctx.emit({ type: 'step.started', taskId: ctx.taskId, stepKey, subtaskId: request.subtaskId, role, adapter: stepAdapterOf(ctx, role) });
  let result: GenerateResult;
  try {
    result = await ctx.model.generate({
      role,
      messages: sent,
      schema: schemaFor(role, ctx.config.fieldLimits, request.tools),
      maxTokens,
      temperature: ctx.config.temperature,
      seed: ctx.config.seed === undefined ? undefined : ctx.config.seed + ctx.stepCount,
      signal: ctx.signal,
      ...(ctx.route?.experts[role] && { expert: ctx.route.experts[role] }),
      onToken: (text) => ctx.emit({ type: 'step.tokens', taskId: ctx.taskId, stepKey, text }),
    });
  } catch (error) {
    const aborted = ctx.signal?.aborted === true;
    const message = error instanceof Error ? error.message : String(error);
    record(ctx, request, stepKey, sent, failedGeneration(ctx, role, aborted ? 'aborted' : 'error', message), null, aborted ? 'cancelled' : 'error');
    return aborted ? cancelled('the task was cancelled while the model generated')
      : { kind: 'stopped', stop: { reason: 'error', scope: 'task', detail: `the model failed: ${message}` } };
  }
  const evaluated = Math.max(0, result.tokensIn - result.tokensReused) + result.tokensOut;
  for (const meter of meters) meter.charge(evaluated);
  if (result.stopReason === 'aborted' || ctx.signal?.aborted) {
    record(ctx, request, stepKey, sent, result, null, 'cancelled');
    return cancelled('the task was cancelled while the model generated');
  }

  const parsed = parseAction(role, result.action);
  const stepId = record(ctx, request, stepKey, sent, result, parsed.ok ? parsed.action : null, 'done');
  messages.push({ role: 'assistant', content: result.text });
  if (parsed.ok) return { kind: 'action', stepId, stepKey, action: parsed.action };

  const call = { tool: parsed.tool ?? 'invalid_action', args: result.action, ok: false, result: parsed.error, durationMs: 0 };
  recordToolCall(ctx, stepId, stepKey, call);
  messages.push({ role: 'tool', content: toolResultMessage(call, shownLimit(ctx)) });
  return { kind: 'invalid', stepId, stepKey, error: parsed.error };
}

function record(
  ctx: RoundContext, request: StepRequest, stepKey: string, sent: ChatTurn[], result: Generation,
  action: AgentAction | null, state: StepInput['state'],
): number {
  const step: StepInput = {
    taskId: ctx.taskId,
    subtaskId: request.subtaskId,
    round: ctx.round,
    role: request.role,
    adapter: result.adapter,
    promptVersion: ctx.config.prompts[request.role].version,
    messages: sent,
    output: result.text,
    action,
    tokensIn: result.tokensIn,
    tokensOut: result.tokensOut,
    tokensReused: result.tokensReused,
    latencyMs: result.latencyMs,
    stopReason: result.stopReason,
    state,
    route: ctx.route && { clustering: ctx.route.clustering, cluster: ctx.route.cluster },
  };
  const id = ctx.recorder.recordStep(step);
  const { messages: _sent, state: _state, ...fields } = step;
  const record: StepRecord = { id, ...fields, toolCalls: [], createdAt: new Date().toISOString() };
  ctx.emit({ type: 'step.finished', taskId: ctx.taskId, stepKey, step: record });
  return id;
}

/** A generation that threw has no result; its step is still recorded, with what is known. */
function failedGeneration(ctx: RoundContext, role: Role, stopReason: string, message: string): Generation {
  return {
    text: `[generation ${stopReason}: ${message}]`,
    adapter: stepAdapterOf(ctx, role),
    tokensIn: 0,
    tokensOut: 0,
    tokensReused: 0,
    latencyMs: 0,
    stopReason,
  };
}

// What every part of one task round shares: the ports, the config, the round's budget and the event sink.
import type { TaskEvent } from '../protocol/events.js';
import type { AdapterRef, Role, ToolCallRecord } from '../protocol/types.js';
import type { AgentConfig } from './agent-config.js';
import type { BudgetMeter } from './guards.js';
import type { ModelPort, TaskRoute, TaskWorkspace, ToolExecutor, TrajectoryRecorder } from './ports.js';
import type { TokenLimit } from './token-cut.js';

export interface RoundContext {
  readonly taskId: string;
  readonly round: number;
  readonly prompt: string;
  readonly model: ModelPort;
  readonly recorder: TrajectoryRecorder;
  readonly workspace: TaskWorkspace;
  readonly tools: ToolExecutor;
  readonly config: AgentConfig;
  readonly emit: (event: TaskEvent) => void;
  readonly signal?: AbortSignal;
  /** The adapter a role will run on, for step.started (the step's record uses what the model reports). */
  readonly adapterOf: (role: Role) => AdapterRef;
  readonly taskMeter: BudgetMeter;
  /** The kind of work the task was routed to and its adapters per role; null without a clustering. */
  readonly route: TaskRoute | null;
  /** Steps started in this round: names step keys and varies the seed. */
  stepCount: number;
}

/** Records a tool call against its step and streams it. */
export function recordToolCall(ctx: RoundContext, stepId: number, stepKey: string, call: ToolCallRecord): void {
  ctx.recorder.recordToolCall(stepId, call);
  ctx.emit({ type: 'tool.result', taskId: ctx.taskId, stepKey, call });
}

/** How much of a tool result, file or diff a role is shown: `share` times the config's tokens, counted by the model. */
export function shownLimit(ctx: Pick<RoundContext, 'model' | 'config'>, share = 1): TokenLimit {
  return { maxTokens: Math.floor(ctx.config.shownTokens * share), countTokens: (text) => ctx.model.countTokens(text) };
}

/** The adapter a role's next step runs on: the route's expert for the role, or the role's general one. */
export function stepAdapterOf(ctx: RoundContext, role: Role): AdapterRef {
  const expert = ctx.route?.experts[role];
  return expert ? { role, version: expert.version, sha256: expert.sha256 } : ctx.adapterOf(role);
}

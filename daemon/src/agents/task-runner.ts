// Runs one round of a task, from the orchestrator's first action to a review point or a stop.
// A rejection's reason starts the next round of the same task through runRound(..., { feedback }).
import type { TaskEvent } from '../protocol/events.js';
import type { AdapterRef, Role, StopReason, TaskDiff, TaskState } from '../protocol/types.js';
import { agentConfig, type AgentConfig } from './agent-config.js';
import { failureReason } from './failure-reason.js';
import { BudgetMeter } from './guards.js';
import { OrchestratorLoop, type RoundEnd } from './orchestrator-loop.js';
import type { ModelPort, TaskRoute, TaskWorkspace, ToolExecutor, TrajectoryRecorder } from './ports.js';
import { shownLimit, type RoundContext } from './round-context.js';
import { orchestratorOpening } from './transcript.js';

export interface TaskRunDeps {
  model: ModelPort;
  recorder: TrajectoryRecorder;
  workspace: TaskWorkspace;
  tools: ToolExecutor;
  config?: Partial<AgentConfig>;
  /** Deltas for subscribers; a throwing listener is ignored rather than allowed to end the task. */
  onEvent?: (event: TaskEvent) => void;
  signal?: AbortSignal;
  /** The adapter each role currently runs on (shown when a step starts); the base model when absent. */
  adapterOf?: (role: Role) => AdapterRef;
  /** The kind of work the task was routed to (routing/work-router.ts); every round keeps it. */
  route?: TaskRoute | null;
}

export interface TaskSpec {
  taskId: string;
  prompt: string;
  repoPath: string;
}

export interface RoundResult {
  taskId: string;
  round: number;
  state: TaskState;
  stopReason: StopReason;
  /** Why the round stopped, in words a person can act on. */
  detail: string;
  summary: string | null;
  /** The worktree's diff at the end of the round, and its id in the store when it was recorded. */
  diff: TaskDiff | null;
  diffId: number | null;
  usage: { steps: number; tokens: number };
}

/** Records a new task, then runs its first round. */
export async function runTask(deps: TaskRunDeps, spec: TaskSpec): Promise<RoundResult> {
  const { prompts, critic, attempts } = agentConfig(deps.config);
  deps.recorder.startTask({
    taskId: spec.taskId,
    prompt: spec.prompt,
    repoPath: spec.repoPath,
    baseCommit: deps.workspace.baseCommit,
    branch: deps.workspace.branch,
    promptVersion: `${prompts.orchestrator.version}+${prompts.worker.version}`,
    baseModelSha: deps.model.baseModelSha,
    agentOptions: { critic, attempts },
  });
  if (deps.route) deps.recorder.recordRoute?.(spec.taskId, { clustering: deps.route.clustering, cluster: deps.route.cluster });
  return runRound(deps, spec, { round: 1, feedback: null });
}

/** Runs round `round`; `feedback` is the human's reason for rejecting the previous round. */
export async function runRound(deps: TaskRunDeps, spec: TaskSpec, next: { round: number; feedback: string | null }): Promise<RoundResult> {
  const config = agentConfig(deps.config);
  const { taskId } = spec;
  const ctx: RoundContext = {
    taskId,
    round: next.round,
    prompt: spec.prompt,
    model: deps.model,
    recorder: deps.recorder,
    workspace: deps.workspace,
    tools: deps.tools,
    config,
    emit: safeEmitter(deps.onEvent),
    signal: deps.signal,
    adapterOf: deps.adapterOf ?? ((role) => ({ role, version: null, sha256: null })),
    taskMeter: new BudgetMeter('task', config.task),
    route: deps.route ?? null,
    stepCount: 0,
  };
  deps.recorder.startRound(taskId, next.round, next.feedback);
  ctx.emit({ type: 'round.started', taskId, round: next.round, feedback: next.feedback, agentOptions: { critic: config.critic, attempts: config.attempts } });
  setState(ctx, 'running', null);

  let loop: OrchestratorLoop | null = null;
  let end: RoundEnd;
  try {
    // A new round starts from the rejected attempt, which the orchestrator is shown beside the reason.
    const previous = next.feedback === null ? null : await deps.workspace.diff(next.round);
    const opening = orchestratorOpening(
      spec.prompt, next.feedback === null ? null : { feedback: next.feedback, round: next.round }, previous, shownLimit({ model: deps.model, config }),
    );
    loop = new OrchestratorLoop(ctx, [
      { role: 'system', content: config.prompts.orchestrator.text },
      { role: 'user', content: opening },
    ]);
    end = await loop.run();
  } catch (error) {
    end = { reason: 'error', detail: failureReason(error), summary: null, stepId: null };
    loop?.abandon('error');
  }
  return finishRound(ctx, end);
}

async function finishRound(ctx: RoundContext, end: RoundEnd): Promise<RoundResult> {
  let diff: TaskDiff | null = null;
  let diffId: number | null = null;
  let { reason, detail } = end;
  try {
    diff = await ctx.workspace.diff(ctx.round);
    // Changes of a stopped round are kept too: they are what the agents did, and training learns from failures.
    if (diff.files.length > 0) diffId = ctx.recorder.recordDiff(diff, { subtaskId: null, stepId: end.stepId });
  } catch (error) {
    reason = 'error';
    detail = `the final diff could not be computed: ${error instanceof Error ? error.message : String(error)}`;
  }
  const state = stateAfter(reason, diff);
  // The diff first, so a client that sees the review state already holds what to review.
  if (state === 'review' && diff) ctx.emit({ type: 'diff.ready', taskId: ctx.taskId, diff });
  setState(ctx, state, reason, state === 'failed' ? detail : undefined);
  return {
    taskId: ctx.taskId,
    round: ctx.round,
    state,
    stopReason: reason,
    detail,
    summary: end.summary,
    diff,
    diffId,
    usage: { steps: ctx.taskMeter.steps, tokens: ctx.taskMeter.tokens },
  };
}

/**
 * Changes left in the worktree go to the human whatever stopped the round (finished, gave up, a guard):
 * the stop reason says how it ended, and the human's verdict on unfinished work is training data too.
 */
function stateAfter(reason: StopReason, diff: TaskDiff | null): TaskState {
  if (reason === 'cancelled') return 'cancelled';
  if (diff && diff.files.length > 0) return 'review';
  return reason === 'finished' ? 'finished' : 'failed';
}

/** Records, then tells subscribers; a store that cannot record it throws, and the task service reports the failure. */
function setState(ctx: RoundContext, state: TaskState, stopReason: StopReason | null, reason?: string): void {
  ctx.recorder.setTaskState(ctx.taskId, state, stopReason);
  ctx.emit({ type: 'task.state', taskId: ctx.taskId, state, stopReason, ...(reason !== undefined && { reason }) });
}

function safeEmitter(onEvent: TaskRunDeps['onEvent']): (event: TaskEvent) => void {
  return (event) => {
    try {
      onEvent?.(event);
    } catch {
      // Events are a view of the run; the recorder holds the truth, so a broken listener is not fatal.
    }
  };
}

// The critic's turn: one model call on a fresh context that judges a worker's result (the subtask, the
// worker's summary, the commands it ran, the diff) before the orchestrator sees it. Its verdict is a
// recorded step like any other; a critic that produces no valid verdict leaves the orchestrator to
// judge alone, as it would with the critic off.
import type { CriticVerdict, TaskDiff, ToolCallRecord } from '../protocol/types.js';
import { verdictPasses } from './critic-verdict.js';
import { recordToolCall, shownLimit, type RoundContext } from './round-context.js';
import { runStep } from './step-runner.js';
import { criticBrief } from './transcript.js';
import type { WorkerSession } from './worker-loop.js';

export interface Critique {
  verdict: CriticVerdict;
  passes: boolean;
  stepId: number;
}

export async function critique(ctx: RoundContext, session: WorkerSession, summary: string, diff: TaskDiff): Promise<Critique | null> {
  const messages = [
    { role: 'system' as const, content: ctx.config.prompts.critic.text },
    { role: 'user' as const, content: criticBrief(ctx.prompt, session.subtask.instruction, summary, session.runs, diff, shownLimit(ctx)) },
  ];
  const step = await runStep(ctx, { role: 'critic', subtaskId: session.subtask.id, messages, meters: [ctx.taskMeter], pinned: 2 });
  if (step.kind !== 'action' || step.action.tool !== 'verdict') return null;
  const verdict = step.action.args;
  const passes = verdictPasses(verdict);
  const call: ToolCallRecord = { tool: 'verdict', args: verdict, ok: true, result: passes ? 'The result passes.' : 'The result fails.', durationMs: 0 };
  recordToolCall(ctx, step.stepId, step.stepKey, call);
  return { verdict, passes, stepId: step.stepId };
}

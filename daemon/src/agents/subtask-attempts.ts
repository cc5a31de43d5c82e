// Several attempts at one delegated subtask (config `attempts` > 1): each runs from the same worktree
// state on a scratch worktree of its own and is recorded as a subtask of its own (id `<subtask>-aN`),
// the critic (when on) scores each, and the best is kept: its files are adopted into the task's
// worktree and it becomes the subtask the orchestrator accepts or revises. All of them are recorded as
// one group (recordAttempt), which the export turns into GRPO groups and DPO pairs.
import type { SubtaskRecord, TaskDiff } from '../protocol/types.js';
import { critique, type Critique } from './critic-step.js';
import type { ScratchWorkspace } from './ports.js';
import type { RoundContext } from './round-context.js';
import { runWorker, startWorkerSession, type WorkerOutcome, type WorkerSession } from './worker-loop.js';

export interface Attempt {
  attempt: number;
  session: WorkerSession;
  outcome: WorkerOutcome;
  diff: TaskDiff;
  critique: Critique | null;
}

export interface AttemptsResult {
  chosen: Attempt;
  others: Attempt[];
}

/** Runs up to `ctx.config.attempts` attempts (fewer when a task-wide stop ends them) and keeps the best. */
export async function runAttempts(ctx: RoundContext, subtask: SubtaskRecord, seq: number): Promise<AttemptsResult> {
  const attempts: (Attempt & { scratch: ScratchWorkspace })[] = [];
  const started: string[] = [];
  const scratches: ScratchWorkspace[] = [];
  let closed = false;
  try {
    for (let n = 1; n <= ctx.config.attempts; n++) {
      const record: SubtaskRecord = { ...subtask, id: `${subtask.id}-a${n}` };
      const scratch = await ctx.workspace.scratch!(`s${seq}-a${n}`);
      scratches.push(scratch);
      ctx.recorder.startSubtask({ ...record, seq });
      started.push(record.id);
      ctx.emit({ type: 'subtask.started', taskId: ctx.taskId, subtask: record });
      // The attempt's own view of the round: the same budgets and step count, another worktree.
      const own: RoundContext = { ...ctx, workspace: scratch };
      const attempt = { attempt: n, scratch, ...await runOne(own, record) };
      ctx.stepCount = own.stepCount;
      attempts.push(attempt);
      if (attempt.outcome.kind === 'stopped' && attempt.outcome.stop.scope === 'task') break;
    }
    const chosen = best(attempts);
    await chosen.scratch.adopt();
    for (const a of attempts) {
      ctx.recorder.recordAttempt({
        subtaskId: a.session.subtask.id, groupId: subtask.id, attempt: a.attempt,
        criticStepId: a.critique?.stepId ?? null, score: a.critique?.verdict.score ?? null, chosen: a === chosen,
      });
      if (a === chosen) continue;
      const reason = a.outcome.kind === 'done' ? 'finished' : a.outcome.stop.reason;
      ctx.recorder.finishSubtask(a.session.subtask.id, 'stopped', reason);
      ctx.emit({ type: 'subtask.finished', taskId: ctx.taskId, subtaskId: a.session.subtask.id, outcome: 'stopped', stopReason: reason });
    }
    ctx.emit({ type: 'attempts.decided', taskId: ctx.taskId, groupId: subtask.id, chosen: chosen.session.subtask.id });
    closed = true;
    return { chosen, others: attempts.filter((a) => a !== chosen) };
  } catch (error) {
    // No attempt is kept: each one started is closed, so none is left open in the store.
    if (!closed) for (const id of started) ctx.recorder.finishSubtask(id, 'stopped', 'error');
    throw error;
  } finally {
    for (const scratch of scratches) await scratch.dispose();
  }
}

async function runOne(ctx: RoundContext, subtask: SubtaskRecord): Promise<Omit<Attempt, 'attempt'>> {
  const session = await startWorkerSession(ctx, subtask);
  const outcome = await runWorker(ctx, session);
  const diff = await ctx.workspace.diff(ctx.round);
  ctx.recorder.recordDiff(diff, { subtaskId: subtask.id, stepId: session.lastStepId });
  const judged = outcome.kind === 'done' && ctx.config.critic ? await critique(ctx, session, outcome.summary, diff) : null;
  return { session, outcome, diff, critique: judged };
}

/** A finished attempt over a stopped one, then the critic's higher score (a pass over a fail at equal score), then the earlier. */
export function best<A extends Pick<Attempt, 'outcome' | 'critique'>>(attempts: A[]): A {
  const rank = (a: A) => (a.outcome.kind === 'done' ? 100 : 0) + (a.critique ? a.critique.verdict.score * 2 + (a.critique.passes ? 1 : 0) : 0);
  return attempts.reduce((kept, a) => (rank(a) > rank(kept) ? a : kept));
}

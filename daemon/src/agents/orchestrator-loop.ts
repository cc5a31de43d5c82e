// The orchestrator's side of a round: it delegates subtasks to the worker, reads each diff, accepts or
// revises, and finishes or gives up. It never touches files: its only tools are the worker and its verdicts.
import type { OrchestratorAction, StopReason, SubtaskRecord, TaskDiff, ToolCallRecord } from '../protocol/types.js';
import { critique, type Critique } from './critic-step.js';
import { DiffSince } from './diff-since.js';
import { RepeatGuard } from './guards.js';
import type { ChatTurn } from './ports.js';
import { recordToolCall, shownLimit, type RoundContext } from './round-context.js';
import { runStep } from './step-runner.js';
import { runAttempts } from './subtask-attempts.js';
import { critiqueMessage, otherAttemptsMessage, toolResultMessage, workerReportMessage } from './transcript.js';
import { reviseWorkerSession, runWorker, startWorkerSession, type WorkerOutcome, type WorkerSession } from './worker-loop.js';

export interface RoundEnd {
  reason: StopReason;
  detail: string;
  /** The orchestrator's summary (finish) or reason (give_up). */
  summary: string | null;
  /** The orchestrator step that ended the round, when one did. */
  stepId: number | null;
}

interface Handled {
  call: ToolCallRecord;
  end?: RoundEnd;
}

export class OrchestratorLoop {
  /** The subtask whose diff waits for accept or revise. */
  private pending: WorkerSession | null = null;
  private subtasks = 0;
  private readonly repeats: RepeatGuard;
  private readonly diffSince = new DiffSince();

  constructor(private readonly ctx: RoundContext, private readonly messages: ChatTurn[]) {
    this.repeats = new RepeatGuard(ctx.config.repeatLimit, 'task');
  }

  async run(): Promise<RoundEnd> {
    const ctx = this.ctx;
    for (;;) {
      const step = await runStep(ctx, {
        role: 'orchestrator', subtaskId: this.pending?.subtask.id ?? null, messages: this.messages, meters: [ctx.taskMeter], pinned: 2,
        tools: this.sensibleTools(),
      });
      if (step.kind === 'stopped') {
        this.closePending('stopped', step.stop.reason);
        return { reason: step.stop.reason, detail: step.stop.detail, summary: null, stepId: null };
      }
      if (step.kind === 'invalid') continue;
      // The orchestrator's grammar and parser only produce orchestrator actions.
      const action = step.action as OrchestratorAction;
      // Only actions that carry content can loop; accepting twice is an error the model sees.
      const loop = action.tool === 'delegate' || action.tool === 'revise' ? this.repeats.see(action.tool, action.args) : null;
      const handled: Handled = loop
        ? { call: refused(action, `Not run: ${loop.detail}.`), end: { reason: loop.reason, detail: loop.detail, summary: null, stepId: step.stepId } }
        : await this.handle(action, step.stepId);
      recordToolCall(ctx, step.stepId, step.stepKey, handled.call);
      this.messages.push({ role: 'tool', content: toolResultMessage(handled.call, shownLimit(ctx, 2)) });
      if (handled.end) {
        this.closePending('stopped', handled.end.reason);
        return handled.end;
      }
    }
  }

  private async handle(action: OrchestratorAction, stepId: number): Promise<Handled> {
    const pending = this.pending;
    switch (action.tool) {
      case 'delegate': {
        if (pending) return { call: refused(action, `Subtask ${pending.subtask.id} still waits for your verdict: accept or revise it first.`) };
        const subtask: SubtaskRecord = {
          id: `${this.ctx.taskId}-r${this.ctx.round}-s${++this.subtasks}`,
          taskId: this.ctx.taskId,
          round: this.ctx.round,
          instruction: action.args.instruction,
          files: action.args.files,
          outcome: null,
          stopReason: null,
        };
        if (this.ctx.config.attempts > 1 && this.ctx.workspace.scratch) return this.workAttempts(action, subtask);
        this.ctx.recorder.startSubtask({ ...subtask, seq: this.subtasks });
        this.ctx.emit({ type: 'subtask.started', taskId: this.ctx.taskId, subtask });
        return this.work(action, await startWorkerSession(this.ctx, subtask));
      }
      case 'revise':
        if (!pending) return { call: refused(action, 'No subtask waits for a verdict: delegate one first.') };
        reviseWorkerSession(pending, action.args.feedback);
        return this.work(action, pending);
      case 'accept':
        if (!pending) return { call: refused(action, 'No subtask waits for a verdict: there is nothing to accept.') };
        this.closePending('accepted', 'accepted');
        return { call: ok(action, `Subtask ${pending.subtask.id} accepted.`) };
      case 'finish':
        if (pending) return { call: refused(action, `Subtask ${pending.subtask.id} still waits for your verdict: accept or revise it first.`) };
        return {
          call: ok(action, 'The task is finished; its diff goes to the human for review.'),
          end: { reason: 'finished', detail: 'the orchestrator finished the task', summary: action.args.summary, stepId },
        };
      case 'give_up':
        this.closePending('stopped', 'gave_up');
        return {
          call: ok(action, 'The task was given up.'),
          end: { reason: 'gave_up', detail: action.args.reason, summary: action.args.reason, stepId },
        };
    }
  }

  /** Runs the worker (a new subtask or a revision), records the subtask's diff, and reports to the orchestrator. */
  private async work(action: OrchestratorAction, session: WorkerSession): Promise<Handled> {
    const started = performance.now();
    this.pending = session; // from here on, an error or a stop closes this subtask
    const outcome = await runWorker(this.ctx, session);
    const diff = await this.ctx.workspace.diff(this.ctx.round);
    this.ctx.recorder.recordDiff(diff, { subtaskId: session.subtask.id, stepId: session.lastStepId });
    const verdict = outcome.kind === 'done' && this.ctx.config.critic ? await critique(this.ctx, session, outcome.summary, diff) : null;
    return this.report(action, outcome, diff, verdict, '', started);
  }

  /** Several attempts at a new subtask; the best is kept and reported, the others summarised below it. */
  private async workAttempts(action: OrchestratorAction, subtask: SubtaskRecord): Promise<Handled> {
    const started = performance.now();
    const { chosen, others } = await runAttempts(this.ctx, subtask, this.subtasks);
    this.pending = chosen.session;
    const diff = await this.ctx.workspace.diff(this.ctx.round);
    return this.report(action, chosen.outcome, diff, chosen.critique, otherAttemptsMessage(chosen.attempt, others), started);
  }

  private report(
    action: OrchestratorAction, outcome: WorkerOutcome, diff: TaskDiff, verdict: Critique | null, more: string, started: number,
  ): Handled {
    const shown = shownLimit(this.ctx);
    if (outcome.kind === 'done') {
      let report = workerReportMessage(outcome, this.diffSince.message(diff, shown));
      if (verdict) report += `\n\n${critiqueMessage(verdict.verdict, verdict.passes)}`;
      if (more) report += `\n\n${more}`;
      const call = { ...ok(action, report), durationMs: performance.now() - started };
      return { call };
    }
    // A stopped worker closes its subtask: the reason is recorded now, and the orchestrator decides what next.
    this.closePending('stopped', outcome.stop.reason);
    let report = workerReportMessage({ kind: 'stopped', reason: outcome.stop.reason, detail: outcome.stop.detail }, this.diffSince.message(diff, shown));
    if (more) report += `\n\n${more}`;
    const call = { ...refused(action, report), durationMs: performance.now() - started };
    if (outcome.stop.scope === 'task') {
      return { call, end: { reason: outcome.stop.reason, detail: outcome.stop.detail, summary: null, stepId: null } };
    }
    return { call };
  }

  /**
   * A verdict while a subtask waits; otherwise more work or the end. A round always opens with a
   * delegation: small models tend to give up before trying, and a worker that finds the task
   * impossible says so in its summary, after which the orchestrator may give up.
   */
  private sensibleTools(): readonly OrchestratorAction['tool'][] {
    if (this.pending) return ['accept', 'revise', 'give_up'];
    return this.subtasks === 0 ? ['delegate'] : ['delegate', 'finish', 'give_up'];
  }

  /** After an unexpected error: the open subtask is closed with the round's stop reason. */
  abandon(reason: StopReason): void {
    this.closePending('stopped', reason);
  }

  private closePending(outcome: NonNullable<SubtaskRecord['outcome']>, reason: StopReason): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = null;
    this.ctx.recorder.finishSubtask(pending.subtask.id, outcome, reason);
    this.ctx.emit({ type: 'subtask.finished', taskId: this.ctx.taskId, subtaskId: pending.subtask.id, outcome, stopReason: reason });
  }
}

function ok(action: OrchestratorAction, result: string): ToolCallRecord {
  return { tool: action.tool, args: action.args, ok: true, result, durationMs: 0 };
}

function refused(action: OrchestratorAction, result: string): ToolCallRecord {
  return { tool: action.tool, args: action.args, ok: false, result, durationMs: 0 };
}

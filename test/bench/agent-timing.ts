// What the agent benchmark measures around the loop without changing it: a ModelPort that passes every
// call through to the runtime and notes when its first and last tokens came, and a recorder that keeps
// nothing (the baseline the store's cost is measured against).
import type { GenerateRequest, GenerateResult, ModelPort, StepInput, TrajectoryRecorder } from '../../daemon/src/agents/ports.js';
import type { Role } from '../../daemon/src/protocol/types.js';

export interface TimedCall {
  task: string;
  role: Role;
  /** performance.now() of the first and last streamed token; the call's start and end when none came. */
  firstToken: number;
  lastToken: number;
  tokensIn: number;
  tokensReused: number;
  tokensOut: number;
  text: string;
}

export class TimedModel implements ModelPort {
  readonly calls: TimedCall[] = [];
  /** The task the next calls belong to, so switches and reuse are counted within a task only. */
  task = '';

  constructor(private readonly model: ModelPort) {}

  get baseModelSha(): string {
    return this.model.baseModelSha;
  }

  contextSize(role: Role): number {
    return this.model.contextSize(role);
  }

  countTokens(text: string): number {
    return this.model.countTokens(text);
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const started = performance.now();
    let first: number | null = null;
    let last: number | null = null;
    const result = await this.model.generate({
      ...request,
      onToken: (text) => {
        last = performance.now();
        first ??= last;
        request.onToken?.(text);
      },
    });
    const ended = performance.now();
    this.calls.push({
      task: this.task, role: request.role, firstToken: first ?? started, lastToken: last ?? ended,
      tokensIn: result.tokensIn, tokensReused: result.tokensReused, tokensOut: result.tokensOut, text: result.text,
    });
    return result;
  }
}

/** Milliseconds from the last token of one role's step to the first token of the other role's next step. */
export function roleSwitches(calls: TimedCall[]): number[] {
  const gaps: number[] = [];
  for (let i = 1; i < calls.length; i++) {
    const [before, after] = [calls[i - 1]!, calls[i]!];
    if (before.task === after.task && before.role !== after.role) gaps.push(after.firstToken - before.lastToken);
  }
  return gaps;
}

/** Of the prompt tokens of orchestrator steps after a task's first, the share found already in the KV cache. */
export function orchestratorPrefixReuse(calls: TimedCall[]): number {
  let tokensIn = 0;
  let reused = 0;
  const seen = new Set<string>();
  for (const call of calls.filter((c) => c.role === 'orchestrator')) {
    if (!seen.has(call.task)) { seen.add(call.task); continue; }
    tokensIn += call.tokensIn;
    reused += call.tokensReused;
  }
  return tokensIn === 0 ? 0 : reused / tokensIn;
}

/**
 * Of what the orchestrator's cache could have kept from one step to the next (the previous prompt and
 * answer, as far as the new prompt reaches), the share it did keep: 1 unless the history was rewritten
 * (compaction) or re-tokenized differently. Independent of how long the new tool results are.
 */
export function orchestratorPrefixKept(calls: TimedCall[]): number {
  let reusable = 0;
  let reused = 0;
  let previous: TimedCall | null = null;
  for (const call of calls.filter((c) => c.role === 'orchestrator')) {
    if (previous?.task === call.task) {
      reusable += Math.min(call.tokensIn, previous.tokensIn + previous.tokensOut);
      reused += call.tokensReused;
    }
    previous = call;
  }
  return reusable === 0 ? 0 : reused / reusable;
}

/** Orchestrator steps whose prompt is shorter than the one before it in the same task: the history was compacted. */
export function orchestratorCompactions(calls: TimedCall[]): number {
  const orchestrator = calls.filter((c) => c.role === 'orchestrator');
  return orchestrator.filter((call, i) => i > 0 && orchestrator[i - 1]!.task === call.task && call.tokensIn < orchestrator[i - 1]!.tokensIn).length;
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Records nothing: the loop as it would run without a store. Step ids still count up, as the loop expects. */
export class NoopRecorder implements TrajectoryRecorder {
  private steps = 0;
  private diffs = 0;
  startTask(): void {}
  startRound(): void {}
  startSubtask(): void {}
  finishSubtask(): void {}
  recordStep(_step: StepInput): number {
    return ++this.steps;
  }
  recordToolCall(): void {}
  recordAttempt(): void {}
  recordDiff(): number {
    return ++this.diffs;
  }
  setTaskState(): void {}
}

/** The recorder with the time spent inside its calls added to `spent.ms`. */
export function timedRecorder(recorder: TrajectoryRecorder, spent: { ms: number }): TrajectoryRecorder {
  return new Proxy(recorder, {
    get(target, key) {
      const value = Reflect.get(target, key) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const started = performance.now();
        try {
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        } finally {
          spent.ms += performance.now() - started;
        }
      };
    },
  });
}

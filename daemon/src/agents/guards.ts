// Guards against the known failure modes of agent loops: running out of budget, repeating the same
// call, and working without changing anything. Each returns a stop with a reason the store records
// and a detail the orchestrator (or the human) can read.
import type { StopReason } from '../protocol/types.js';
import type { Budget } from './agent-config.js';

export interface GuardStop {
  reason: StopReason;
  /** 'task' stops the whole round; 'subtask' stops only the worker, and the orchestrator is told. */
  scope: 'task' | 'subtask';
  detail: string;
}

export class BudgetMeter {
  steps = 0;
  tokens = 0;

  constructor(readonly scope: 'task' | 'subtask', readonly budget: Budget) {}

  /** Checked before each step: a step starts only while both budgets have room. */
  check(): GuardStop | null {
    if (this.steps >= this.budget.steps) {
      return { reason: 'step_budget', scope: this.scope, detail: `the ${this.scope} used its ${this.budget.steps} steps` };
    }
    if (this.tokens >= this.budget.tokens) {
      return { reason: 'token_budget', scope: this.scope, detail: `the ${this.scope} used ${this.tokens} of its ${this.budget.tokens} tokens` };
    }
    return null;
  }

  remainingTokens(): number {
    return Math.max(0, this.budget.tokens - this.tokens);
  }

  charge(tokens: number): void {
    this.steps += 1;
    this.tokens += tokens;
  }
}

/** The same call (tool and arguments) made `limit` times within the last 2×limit calls. */
export class RepeatGuard {
  private recent: string[] = [];

  constructor(private readonly limit: number, private readonly scope: 'task' | 'subtask') {}

  see(tool: string, args: unknown): GuardStop | null {
    const key = `${tool} ${canonicalJson(args)}`;
    this.recent.push(key);
    if (this.recent.length > this.limit * 2) this.recent.shift();
    const count = this.recent.filter((k) => k === key).length;
    if (count < this.limit) return null;
    return { reason: 'doom_loop', scope: this.scope, detail: `the same ${tool} call was made ${count} times: ${truncate(key, 160)}` };
  }

  reset(): void {
    this.recent = [];
  }
}

/** Worker steps since the diff's patch-id last changed. */
export class ProgressGuard {
  private stale = 0;

  constructor(private readonly limit: number, private patchId: string) {}

  /** After each worker step: the patch-id when the step could have changed files, else null. */
  step(patchId: string | null): GuardStop | null {
    if (patchId !== null && patchId !== this.patchId) {
      this.patchId = patchId;
      this.stale = 0;
      return null;
    }
    this.stale += 1;
    if (this.stale < this.limit) return null;
    return { reason: 'no_progress', scope: 'subtask', detail: `${this.stale} worker steps in a row left the diff unchanged` };
  }

  reset(): void {
    this.stale = 0;
  }
}

/** JSON with sorted keys, so {a,b} and {b,a} are the same call. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

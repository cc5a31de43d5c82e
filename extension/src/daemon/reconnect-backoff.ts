// Delays between reconnect attempts: quick at first (a restarting daemon is back in a second),
// then doubling up to a ceiling so a daemon that is gone for good costs nothing.
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 250, maxMs: 10_000 };

export function reconnectDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  if (attempt < 0) throw new RangeError(`attempt must be >= 0, got ${attempt}`);
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 30));
}

/** Starts of the daemon within a window: a daemon that keeps dying is not restarted forever. */
export class RestartBudget {
  private readonly starts: number[] = [];

  constructor(private readonly maxStarts = 3, private readonly windowMs = 5 * 60_000) {}

  tryTake(now: number): boolean {
    while (this.starts.length && now - this.starts[0]! > this.windowMs) this.starts.shift();
    if (this.starts.length >= this.maxStarts) return false;
    this.starts.push(now);
    return true;
  }

  reset(): void {
    this.starts.length = 0;
  }
}

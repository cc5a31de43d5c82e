// Requests that change state (start a task, apply a review, swap an adapter) pass through the gate:
// once the daemon is stopping they are refused, and the ones already running are waited for before
// the runtime and the store close, so an approval that wrote the user's files is also recorded.
import { ResponseError } from 'vscode-jsonrpc';
import { ErrorCodes } from '../protocol/errors.js';

export class ServiceGate {
  private readonly pending = new Set<Promise<unknown>>();
  private closed = false;

  get closing(): boolean {
    return this.closed;
  }

  async run<T>(work: () => Promise<T> | T): Promise<T> {
    if (this.closed) throw new ResponseError(ErrorCodes.InvalidState, 'The Tandem daemon is stopping; try again once it is back.');
    const running = Promise.resolve().then(work);
    this.pending.add(running);
    try {
      return await running;
    } finally {
      this.pending.delete(running);
    }
  }

  /** Refuses new work and resolves once the work already let in has ended, however it ended. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.pending]);
  }
}

// How every command answers: one JSON document on one line with --json (for scripts), readable lines
// otherwise; expected failures as one line on stderr; progress bars on a terminal.
import { ResponseError } from 'vscode-jsonrpc';
import type { ProgressEvent } from '../protocol/types.js';
import { ProgressBar } from './progress-bar.js';

export function printResult<T>(json: boolean, value: T, text: (value: T) => string): void {
  console.log(json ? JSON.stringify(value) : text(value));
}

/** An expected failure: one line on stderr (or a JSON error object with --json), and the exit code. */
export function printFailure(json: boolean, message: string, code = 1): number {
  if (json) console.log(JSON.stringify({ error: message }));
  else console.error(`tandem: ${message}`);
  return code;
}

/**
 * A request the daemon (or the in-process services) refused: its message is written for the user.
 * Anything else is a bug and is rethrown, so the front door shows it (with the stack under TANDEM_DEBUG).
 */
export function printRefusal(json: boolean, error: unknown, code = 1): number {
  if (error instanceof ResponseError) return printFailure(json, error.message, code);
  throw error;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

/** Marks a progress event written as a line for a parent process (the daemon running `tandem train`). */
export const PROGRESS_LINE = 'TANDEM_PROGRESS_EVENT';

/**
 * Draws each stream of progress events (one bar per event id) on stderr when it is a terminal; with
 * TANDEM_PROGRESS_LINES=1, writes each event as one JSON line there instead, for the process that started this one.
 */
export function progressBars(): (event: ProgressEvent) => void {
  if (process.env.TANDEM_PROGRESS_LINES === '1') return (event) => process.stderr.write(`${PROGRESS_LINE} ${JSON.stringify(event)}\n`);
  const bars = new Map<string, ProgressBar>();
  return (event) => {
    let bar = bars.get(event.id);
    if (!bar) bars.set(event.id, (bar = new ProgressBar()));
    bar.update(event);
    if (event.finished) bars.delete(event.id);
  };
}

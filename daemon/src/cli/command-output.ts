// How client commands show what the daemon sends: one JSON document with --json (for scripts),
// readable text otherwise, and progress bars on a terminal.
import type { DaemonClient } from './daemon-client.js';
import { ProgressBar } from './progress-bar.js';

export function printResult<T>(result: T, json: boolean, asText: (result: T) => string): void {
  console.log(json ? JSON.stringify(result) : asText(result));
}

/** Draws the daemon's ProgressNotifications for this client's work (silent when stderr is not a TTY). */
export function showProgress(client: DaemonClient): void {
  const bars = new Map<string, ProgressBar>();
  client.onProgress((event) => {
    let bar = bars.get(event.id);
    if (!bar) bars.set(event.id, (bar = new ProgressBar()));
    bar.update(event);
    if (event.finished) bars.delete(event.id);
  });
}

// A one-line terminal progress bar; silent when stderr is not a TTY, so scripts get clean output.
import type { ProgressEvent } from '../protocol/types.js';

export class ProgressBar {
  private lastDraw = 0;
  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(event: ProgressEvent): void {
    if (!this.stream.isTTY) return;
    const now = Date.now();
    if (!event.finished && now - this.lastDraw < 80) return; // redraw at most ~12 times a second
    this.lastDraw = now;
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - 50));
    const fraction = event.total ? Math.min(1, event.done / event.total) : null;
    const bar = fraction === null ? '' : '[' + '#'.repeat(Math.round(fraction * width)).padEnd(width, '.') + '] ';
    const pct = fraction === null ? '' : `${(fraction * 100).toFixed(0).padStart(3)}% `;
    const amount = `${formatAmount(event.done, event.unit)}${event.total ? '/' + formatAmount(event.total, event.unit) : ''}`;
    this.stream.write(`\r\x1b[2K${event.title} ${bar}${pct}${amount}`);
    if (event.finished) this.stream.write('\n');
  }
}

function formatAmount(n: number, unit: ProgressEvent['unit']): string {
  if (unit !== 'bytes') return String(n);
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

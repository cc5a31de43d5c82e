// The "Tandem" output channel: the extension's own lines, and the daemon's log file followed as it grows.
import { open, stat } from 'node:fs/promises';
import * as vscode from 'vscode';

export class DaemonLog implements vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel('Tandem');
  private followed: string | null = null;
  private offset = 0;
  private readonly timer: NodeJS.Timeout;
  private reading = false;

  constructor() {
    this.timer = setInterval(() => void this.readNew(), 1000);
  }

  info(line: string): void {
    this.channel.appendLine(`[extension ${new Date().toISOString()}] ${line}`);
  }

  /** Follow a log file from its current end (or from the start, for a daemon just launched). */
  async follow(path: string, fromStart: boolean): Promise<void> {
    if (this.followed === path) return;
    this.followed = path;
    this.offset = fromStart ? 0 : await stat(path).then((s) => s.size, () => 0);
    this.info(`following the daemon's log ${path}`);
  }

  get logFile(): string | null {
    return this.followed;
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    clearInterval(this.timer);
    this.channel.dispose();
  }

  private async readNew(): Promise<void> {
    if (!this.followed || this.reading) return;
    this.reading = true;
    try {
      const size = await stat(this.followed).then((s) => s.size, () => 0);
      if (size < this.offset) this.offset = 0; // rotated or truncated
      if (size === this.offset) return;
      const handle = await open(this.followed, 'r');
      try {
        const buffer = Buffer.alloc(Math.min(size - this.offset, 1 << 20));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
        this.offset += bytesRead;
        this.channel.append(buffer.subarray(0, bytesRead).toString('utf8'));
      } finally {
        await handle.close();
      }
    } finally {
      this.reading = false;
    }
  }
}

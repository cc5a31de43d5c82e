// Keeps llama.cpp's last warnings and errors. When an adapter fails, node-llama-cpp only says
// "Failed to initialize LoRA adapter"; the reason is in llama.cpp's log, so errors quote it from here.
import { LlamaLogLevel } from 'node-llama-cpp';

const KEPT = 20;

export class LlamaLogTail {
  private readonly lines: string[] = [];

  constructor(private readonly echo: boolean = Boolean(process.env.TANDEM_DEBUG)) {}

  readonly logger = (level: LlamaLogLevel, message: string): void => {
    if (level !== LlamaLogLevel.warn && level !== LlamaLogLevel.error && level !== LlamaLogLevel.fatal) return;
    const line = message.trim();
    if (!line) return;
    this.lines.push(line);
    if (this.lines.length > KEPT) this.lines.shift();
    if (this.echo) process.stderr.write(`[llama.cpp ${level}] ${line}\n`);
  };

  /** Marks a point; `since(mark)` returns only what was logged after it. */
  mark(): number {
    return this.lines.length;
  }

  since(mark: number): string[] {
    return this.lines.slice(Math.min(mark, this.lines.length));
  }
}

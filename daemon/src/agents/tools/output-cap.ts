// Tool output goes into a small context, so it is bounded. When it is too long the middle is cut:
// the start (what ran) and the end (the error, the summary) are what the model needs.

const marker = (cut: number): string => `\n[... ${cut} characters cut ...]\n`;

export function cutMiddle(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const keep = Math.max(0, maxChars - marker(text.length).length);
  const head = Math.ceil(keep / 2);
  const tail = keep - head;
  return text.slice(0, head) + marker(text.length - keep) + text.slice(text.length - tail);
}

/** Collects a process's output holding at most maxChars, however much it writes; the middle is dropped. */
export class BoundedOutput {
  private head = '';
  private tail = '';
  private total = 0;

  constructor(private readonly maxChars: number) {}

  push(chunk: string): void {
    this.total += chunk.length;
    const headRoom = Math.ceil(this.maxChars / 2) - this.head.length;
    if (headRoom > 0) {
      this.head += chunk.slice(0, headRoom);
      chunk = chunk.slice(headRoom);
    }
    const tailMax = Math.floor(this.maxChars / 2);
    this.tail = tailMax > 0 ? (this.tail + chunk).slice(-tailMax) : '';
  }

  text(): string {
    const cut = this.total - this.head.length - this.tail.length;
    return cut > 0 ? this.head + marker(cut) + this.tail : this.head + this.tail;
  }
}

// Tool output goes into a small context, so it is bounded. When it is too long the middle is cut:
// the start (what ran) and the end (the error, the summary) are what the model needs.

const marker = (cut: number): string => `\n[... ${cut} characters cut ...]\n`;

/** A cut at `index` would split a surrogate pair (one emoji, say) and leave invalid UTF-16. */
const splitsPair = (text: string, index: number): boolean => {
  const code = text.charCodeAt(index);
  return index > 0 && index < text.length && code >= 0xdc00 && code <= 0xdfff;
};
/** The first `count` code units, or one fewer when the last would be half a character. */
const headOf = (text: string, count: number): string => text.slice(0, splitsPair(text, count) ? count - 1 : count);
/** The last `count` code units, or one fewer when the first would be half a character. */
const tailOf = (text: string, count: number): string => {
  if (count <= 0) return '';
  const start = Math.max(0, text.length - count);
  return text.slice(splitsPair(text, start) ? start + 1 : start);
};

export function cutMiddle(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const keep = Math.max(0, maxChars - marker(text.length).length);
  const head = headOf(text, Math.ceil(keep / 2));
  const tail = tailOf(text, keep - Math.ceil(keep / 2));
  return head + marker(text.length - head.length - tail.length) + tail;
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
    if (headRoom > 0 && this.tail === '') {
      const taken = headOf(chunk, headRoom);
      this.head += taken;
      chunk = chunk.slice(taken.length);
    }
    // Once output went past the head, the head is closed even if a split character left it one short.
    this.tail = tailOf(this.tail + chunk, Math.floor(this.maxChars / 2));
  }

  text(): string {
    const cut = this.total - this.head.length - this.tail.length;
    return cut > 0 ? this.head + marker(cut) + this.tail : this.head + this.tail;
  }
}

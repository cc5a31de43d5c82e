// The text of a generation as it streams. A character may span several tokens (UTF-8 split into
// byte tokens); decoding each token alone would stream replacement characters where the recorded
// answer has the character. So the tokens so far are decoded together and a trailing U+FFFD, which
// may be a character still arriving, is held back until the next token or the end.
import type { Token } from 'node-llama-cpp';

const REPLACEMENT = '\uFFFD';

export class TextStream {
  private readonly tokens: Token[] = [];
  private sent = 0;

  constructor(private readonly detokenize: (tokens: Token[]) => string, private readonly emit: (text: string) => void) {}

  push(tokens: readonly Token[]): void {
    this.tokens.push(...tokens);
    const text = this.detokenize(this.tokens);
    let end = text.length;
    while (end > this.sent && text[end - 1] === REPLACEMENT) end--;
    this.send(text, end);
  }

  /** The generation ended with this text: whatever was held back goes out now. */
  finish(text: string): void {
    this.send(text, text.length);
  }

  private send(text: string, end: number): void {
    if (end <= this.sent) return;
    this.emit(text.slice(this.sent, end));
    this.sent = end;
  }
}

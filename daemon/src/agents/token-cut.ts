// Cuts text to a number of the model's own tokens, keeping its head and tail. A context is measured in
// tokens, and how many characters a token holds varies tenfold between code, prose, CJK and emoji, so a
// cut by characters either wastes the context or overflows it. Cuts fall between code points (a
// character is never split, so the text stays valid UTF-8), and the note says how many tokens went.

export type CountTokens = (text: string) => number;

/** How much of a text a role is shown, counted by the model's tokenizer. */
export interface TokenLimit {
  maxTokens: number;
  countTokens: CountTokens;
}

export const cutNote = (tokens: number): string => `\n[… ${tokens} tokens cut …]\n`;

/** The text itself when it fits in `maxTokens`; else its head and tail around a note, at most `maxTokens` in all. */
export function cutToTokens(text: string, limit: TokenLimit): string {
  const { maxTokens, countTokens } = limit;
  const total = countTokens(text);
  if (total <= maxTokens) return text;
  // The note's length with the largest number it can hold: the real one is never longer.
  let keep = Math.max(0, maxTokens - countTokens(cutNote(total)));
  for (;;) {
    const headBudget = Math.ceil(keep / 2);
    const head = text.slice(0, longestPrefix(text, headBudget, countTokens));
    const tail = text.slice(shortestSuffixStart(text, head.length, keep - headBudget, countTokens));
    const cut = Math.max(1, total - countTokens(head) - countTokens(tail));
    const result = head + cutNote(cut) + tail;
    // Tokens can merge or split differently where the pieces meet: check the whole and give back the excess.
    const over = countTokens(result) - maxTokens;
    if (over <= 0 || keep === 0) return over <= 0 ? result : headOnly(text, maxTokens, countTokens);
    keep = Math.max(0, keep - over);
  }
}

/** Without room for the note, the longest head that fits. */
function headOnly(text: string, maxTokens: number, countTokens: CountTokens): string {
  return text.slice(0, longestPrefix(text, maxTokens, countTokens));
}

/** The end (a code-unit index at a code-point boundary) of the longest prefix of at most `budget` tokens. */
export function longestPrefix(text: string, budget: number, countTokens: CountTokens): number {
  if (budget <= 0) return 0;
  let low = 0; // fits
  let high = text.length + 1; // the first length known not to fit
  // Grow a probe first: a prefix of `budget` tokens is usually far shorter than the text.
  for (let probe = Math.min(text.length, budget * 8); ; probe = Math.min(text.length, probe * 2)) {
    const end = snapBack(text, probe);
    if (countTokens(text.slice(0, end)) > budget) {
      high = end;
      break;
    }
    low = end;
    if (probe >= text.length) return text.length;
  }
  while (high - low > 1) {
    const mid = snapBack(text, (low + high) >>> 1);
    if (mid <= low) break;
    if (countTokens(text.slice(0, mid)) <= budget) low = mid;
    else high = mid;
  }
  return low;
}

/** The start of the shortest suffix, beginning at or after `from`, of at most `budget` tokens. */
export function shortestSuffixStart(text: string, from: number, budget: number, countTokens: CountTokens): number {
  if (budget <= 0) return text.length;
  let fits = text.length; // a start known to fit
  let over = from - 1; // a start known not to fit (or before `from`)
  for (let probe = Math.max(from, text.length - budget * 8); ; probe = Math.max(from, text.length - (text.length - probe) * 2)) {
    const start = snapForward(text, probe);
    if (countTokens(text.slice(start)) > budget) {
      over = start;
      break;
    }
    fits = start;
    if (probe <= from) return fits;
  }
  while (fits - over > 1) {
    const mid = snapForward(text, (over + fits) >>> 1);
    if (mid >= fits || mid <= over) break;
    if (countTokens(text.slice(mid)) <= budget) fits = mid;
    else over = mid;
  }
  return fits;
}

const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** An index moved back off the middle of a surrogate pair. */
function snapBack(text: string, index: number): number {
  return index > 0 && index < text.length && isLowSurrogate(text.charCodeAt(index)) ? index - 1 : index;
}

/** An index moved forward off the middle of a surrogate pair. */
function snapForward(text: string, index: number): number {
  return index > 0 && index < text.length && isLowSurrogate(text.charCodeAt(index)) ? index + 1 : index;
}

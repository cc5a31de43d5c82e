// Splits a command line into words the way a user writes it in the allowlist ("npm test",
// "npm test -- --grep 'a b'"), with no shell: quotes group words, and nothing else is special.

export type Words = { ok: true; words: string[] } | { ok: false; error: string };

export function splitCommandLine(line: string): Words {
  const words: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  for (const char of line) {
    if (quote) {
      if (char === quote) quote = null;
      else word += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      word ??= '';
    } else if (/\s/.test(char)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? '') + char;
    }
  }
  if (quote) return { ok: false, error: `unclosed ${quote} quote` };
  if (word !== null) words.push(word);
  if (words.length === 0) return { ok: false, error: 'the command is empty' };
  return { ok: true, words };
}

/** The allowlist entry the command is, word for word, or null. Nothing looser: no prefixes, no globs. */
export function matchAllowlist(command: string, allowlist: readonly string[]): string[] | null {
  const asked = splitCommandLine(command);
  if (!asked.ok) return null;
  for (const entry of allowlist) {
    const allowed = splitCommandLine(entry);
    if (allowed.ok && allowed.words.length === asked.words.length && allowed.words.every((w, i) => w === asked.words[i])) return allowed.words;
  }
  return null;
}

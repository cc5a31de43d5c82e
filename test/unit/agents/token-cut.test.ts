// The token cut's logic on a fake tokenizer that, like a byte-level BPE, spends more tokens on a CJK
// character or an emoji than on ASCII, and merges runs of ASCII letters.
import assert from 'node:assert/strict';
import { cutToTokens, longestPrefix, shortestSuffixStart } from '../../../daemon/src/agents/token-cut.js';

/** Up to three ASCII letters a token; any other code point costs a token per UTF-8 byte. */
function countTokens(text: string): number {
  let tokens = 0;
  let run = 0;
  for (const char of text) {
    if (/[a-z]/i.test(char)) {
      if (run === 0) tokens++;
      run = (run + 1) % 3;
      continue;
    }
    run = 0;
    tokens += Buffer.byteLength(char, 'utf8');
  }
  return tokens;
}

const wellFormed = (text: string): boolean => Buffer.from(text, 'utf8').toString('utf8') === text;
const MIXED = 'export const greeting = "你好，世界 👋🏽 — héllo";\n'.repeat(40) + '🧑‍💻 done: 完成\n';

describe('agents: cutting text to a number of tokens', () => {
  it('leaves text that fits alone', () => {
    const text = 'short text 你好';
    assert.equal(cutToTokens(text, { maxTokens: countTokens(text), countTokens }), text);
  });

  it('keeps the head and tail within the budget, says how many tokens went, and splits no character', () => {
    const total = countTokens(MIXED);
    for (const maxTokens of [30, 47, 64, 100, 257, 600]) {
      const cut = cutToTokens(MIXED, { maxTokens, countTokens });
      const used = countTokens(cut);
      assert.ok(used <= maxTokens, `${used} tokens for a budget of ${maxTokens}`);
      assert.ok(used >= maxTokens - 8, `only ${used} of ${maxTokens} tokens used`);
      assert.ok(wellFormed(cut), `valid UTF-8 at ${maxTokens}`);
      const match = /^([\s\S]*)\n\[… (\d+) tokens cut …\]\n([\s\S]*)$/.exec(cut);
      assert.ok(match, cut);
      const [, head, reported, tail] = match;
      assert.ok(MIXED.startsWith(head!) && MIXED.endsWith(tail!), 'the head and tail are the text\'s own');
      assert.ok(head!.length > 0 && tail!.length > 0);
      assert.equal(Number(reported), total - countTokens(head!) - countTokens(tail!));
    }
  });

  it('cuts text of emoji only (surrogate pairs) between characters at every budget', () => {
    const emoji = '😀🎉👩‍👩‍👧🚀'.repeat(30);
    for (let maxTokens = 20; maxTokens < 120; maxTokens += 7) {
      const cut = cutToTokens(emoji, { maxTokens, countTokens });
      assert.ok(countTokens(cut) <= maxTokens);
      assert.ok(wellFormed(cut), `a character was split at ${maxTokens}`);
    }
  });

  it('gives back the excess when the pieces tokenize longer together than apart', () => {
    // A tokenizer that charges 5 extra tokens whenever the note sits between other text.
    const joined = (text: string) => countTokens(text) + (/\S\n\[…/.test(text) ? 5 : 0);
    const text = 'abcdefghij'.repeat(100);
    const cut = cutToTokens(text, { maxTokens: 80, countTokens: joined });
    assert.ok(joined(cut) <= 80, `${joined(cut)} tokens`);
    assert.match(cut, /tokens cut/);
  });

  it('keeps a head without a note when the budget is smaller than the note', () => {
    const cut = cutToTokens('ab'.repeat(200), { maxTokens: 3, countTokens });
    assert.ok(countTokens(cut) <= 3 && 'ab'.repeat(200).startsWith(cut));
  });

  it('finds the longest prefix and the shortest suffix that fit, on code-point boundaries', () => {
    const text = 'a😀b😀c😀d';
    const end = longestPrefix(text, 6, countTokens);
    assert.equal(text.slice(0, end), 'a😀b');
    const start = shortestSuffixStart(text, 0, 6, countTokens);
    assert.equal(text.slice(start), 'c😀d');
    assert.equal(longestPrefix(text, 0, countTokens), 0);
    assert.equal(shortestSuffixStart(text, 0, 0, countTokens), text.length);
  });
});

import assert from 'node:assert/strict';
import { LlamaText, SpecialToken, SpecialTokensText, type Token, type Tokenizer } from 'node-llama-cpp';
import { TokenTranscript, answerTokens, textAfter } from '../../../daemon/src/runtime/token-transcript.js';

// A character tokenizer: each character is its code, a special-token text one token per marker, BOS is 1.
const SPECIAL: Record<string, number> = { '<|im_start|>': 900, '<|im_end|>': 901 };
const tokenize = (text: string, special?: boolean | 'builtin'): Token[] => {
  if (special === 'builtin') return [1 as Token];
  const tokens: Token[] = [];
  for (let i = 0; i < text.length;) {
    const marker = special ? Object.keys(SPECIAL).find((m) => text.startsWith(m, i)) : undefined;
    if (marker) {
      tokens.push(SPECIAL[marker]! as Token);
      i += marker.length;
    } else tokens.push(text.charCodeAt(i++) as Token);
  }
  return tokens;
};
const tokenizer = tokenize as unknown as Tokenizer;
const detokenize = (tokens: readonly Token[]): string => tokens.map((t) => (t < 900 && t !== 1 ? String.fromCharCode(t) : '')).join('');
const spelling = { detokenize, isSpecialToken: (token: Token) => token === 1 || token >= 900 };

const turn = (role: string, text: string) => [new SpecialTokensText(`<|im_start|>${role}\n`), text, new SpecialTokensText('<|im_end|>\n')];
const chat = (...turns: unknown[][]) => LlamaText([new SpecialToken('BOS'), ...turns.flat() as never[], new SpecialTokensText('<|im_start|>assistant\n')]);
const closed = (...turns: unknown[][]) => LlamaText([new SpecialToken('BOS'), ...turns.flat() as never[]]);

describe('token transcript', () => {
  it('finds the rest of a text after a prefix that ends inside a merged string or special-token text', () => {
    const text = LlamaText([new SpecialToken('BOS'), new SpecialTokensText('<|im_start|>user\n'), 'hello world', new SpecialTokensText('<|im_end|>\n')]);
    assert.deepEqual(textAfter(text, LlamaText([new SpecialToken('BOS'), new SpecialTokensText('<|im_start|>user\n'), 'hello ']))?.toJSON(),
      ['world', { type: 'specialTokensText', value: '<|im_end|>\n' }]);
    assert.deepEqual(textAfter(text, LlamaText([new SpecialToken('BOS'), new SpecialTokensText('<|im_')]))?.toJSON(),
      [{ type: 'specialTokensText', value: 'start|>user\n' }, 'hello world', { type: 'specialTokensText', value: '<|im_end|>\n' }]);
    assert.equal(textAfter(text, text)?.values.length, 0);
    assert.equal(textAfter(text, LlamaText([]))?.values.length, text.values.length);
  });

  it('does not take a plain string for special-token text, a different special token, or a middle value that only starts alike', () => {
    const text = LlamaText([new SpecialToken('BOS'), 'ab', new SpecialTokensText('<|im_end|>')]);
    assert.equal(textAfter(text, LlamaText([new SpecialToken('EOS')])), null);
    assert.equal(textAfter(text, LlamaText(['<|im_end|>'])), null);
    assert.equal(textAfter(text, LlamaText([new SpecialToken('BOS'), 'a', new SpecialTokensText('<|im_end|>')])), null);
    assert.equal(textAfter(text, LlamaText([new SpecialToken('BOS'), 'abc'])), null);
    assert.equal(textAfter(LlamaText(['ab']), LlamaText(['ab', new SpecialToken('EOS')])), null);
  });

  it('keeps an answer as the tokens it was generated as when the chat sends it back, and tokenizes only what is new', () => {
    const transcript = new TokenTranscript();
    const first = transcript.plan(chat(turn('user', 'hi')), tokenizer);
    assert.equal(first.remembered, 0);
    assert.deepEqual(first.tokens, chat(turn('user', 'hi')).tokenize(tokenizer));

    const generated = [7001, 7002] as Token[]; // "ok" as the model happened to write it, not as the tokenizer would
    const spellOk = (tokens: readonly Token[]) => 'ok'.slice(0, tokens.length);
    transcript.remember(first, 'ok', generated, { detokenize: spellOk, isSpecialToken: () => false });
    const second = transcript.plan(chat(turn('user', 'hi'), turn('assistant', 'ok'), turn('user', 'next')), tokenizer);
    assert.equal(second.remembered, first.tokens.length + 2);
    assert.deepEqual(second.tokens.slice(0, second.remembered), [...first.tokens, ...generated]);
    assert.deepEqual(second.tokens.slice(second.remembered), tokenize('<|im_end|>\n<|im_start|>user\nnext<|im_end|>\n<|im_start|>assistant\n', true));
  });

  it('stops reusing at the first piece the new chat no longer starts with, and tokenizes the rest afresh', () => {
    const transcript = new TokenTranscript();
    const first = transcript.plan(chat(turn('user', 'hi')), tokenizer);
    transcript.remember(first, 'ok', tokenize('ok'), spelling);
    const second = transcript.plan(chat(turn('user', 'hi'), turn('assistant', 'ok'), turn('user', 'a long tool result')), tokenizer);
    transcript.remember(second, 'go', tokenize('go'), spelling);

    // Compaction shortened the tool result: the first prompt and answer still match, nothing after them does.
    const rewritten = chat(turn('user', 'hi'), turn('assistant', 'ok'), turn('user', 'a [cut]'), turn('assistant', 'go'), turn('user', 'more'));
    const third = transcript.plan(rewritten, tokenizer);
    assert.equal(third.remembered, first.tokens.length + 2);
    assert.equal(detokenize(third.tokens), detokenize(rewritten.tokenize(tokenizer)));

    // A chat that differs from the start (another task) reuses nothing.
    assert.equal(transcript.plan(closed(turn('user', 'other')), tokenizer).remembered, 0);
  });

  it('keeps the generated tokens that spell the start of an answer, up to trimmed whitespace or a control token', () => {
    assert.deepEqual(answerTokens('{"a":1}', tokenize('{"a":1}'), spelling), tokenize('{"a":1}'));
    assert.deepEqual(answerTokens('{"a":1}', tokenize('{"a":1}\n\n'), spelling), tokenize('{"a":1}'), 'whitespace the answer trimmed');
    // A control token sampled inside a string: the answer's text leaves it out, and so do the kept tokens.
    assert.deepEqual(answerTokens('{"a":"bc"}', [...tokenize('{"a":"b'), 1 as Token, ...tokenize('c"}')], spelling), tokenize('{"a":"b'));
    // Even where the characters after it spell its name plainly.
    assert.deepEqual(answerTokens('x<s>', [...tokenize('x'), 1 as Token, ...tokenize('<s>')], spelling), tokenize('x'));
    assert.deepEqual(answerTokens('{"a":2}', tokenize('{"a":1}'), spelling), tokenize('{"a":'), 'only the start that still matches');
    assert.deepEqual(answerTokens('x', [], spelling), []);
  });

  it('remembers an answer cut at a control token so that the rest of it is tokenized afresh', () => {
    const transcript = new TokenTranscript();
    const first = transcript.plan(chat(turn('user', 'hi')), tokenizer);
    transcript.remember(first, 'abc', [...tokenize('a'), 1 as Token, ...tokenize('bc')], spelling);
    const second = transcript.plan(chat(turn('user', 'hi'), turn('assistant', 'abc'), turn('user', 'next')), tokenizer);
    assert.equal(second.remembered, first.tokens.length + 1);
    assert.deepEqual(second.tokens.slice(first.tokens.length), tokenize('abc<|im_end|>\n<|im_start|>user\nnext<|im_end|>\n<|im_start|>assistant\n', true));
  });
});

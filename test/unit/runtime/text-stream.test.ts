import assert from 'node:assert/strict';
import type { Token } from 'node-llama-cpp';
import { TextStream } from '../../../daemon/src/runtime/text-stream.js';

// Byte tokens: each token is one UTF-8 byte, the way a model spells a character it has no token for.
const bytes = (text: string) => [...Buffer.from(text, 'utf8')] as Token[];
const decode = (tokens: Token[]) => Buffer.from(tokens as number[]).toString('utf8');

describe('text stream', () => {
  it('holds back a character until its last byte arrives', () => {
    const sent: string[] = [];
    const stream = new TextStream(decode, (text) => sent.push(text));
    for (const token of bytes('aܗ€😀b')) stream.push([token]);
    stream.finish('aܗ€😀b');
    assert.equal(sent.join(''), 'aܗ€😀b');
    assert.ok(sent.every((chunk) => !chunk.includes('\uFFFD')), JSON.stringify(sent));
    assert.deepEqual(sent, ['a', 'ܗ', '€', '😀', 'b']);
  });

  it('sends a byte that never becomes a character at the end, as the answer has it', () => {
    const sent: string[] = [];
    const stream = new TextStream(decode, (text) => sent.push(text));
    const tokens = [...bytes('ok'), 0xe0 as Token];
    for (const token of tokens) stream.push([token]);
    const answer = decode(tokens);
    stream.finish(answer);
    assert.equal(sent.join(''), answer);
    assert.ok(answer.endsWith('\uFFFD'));
  });
});

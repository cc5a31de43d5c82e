// Bounded tool output and the allowlist's word-for-word matching.
import assert from 'node:assert/strict';
import { matchAllowlist, splitCommandLine } from '../../../daemon/src/agents/tools/command-line.js';
import { BoundedOutput, cutMiddle } from '../../../daemon/src/agents/tools/output-cap.js';

describe('tools: output caps', () => {
  it('leaves short text alone and cuts the middle of long text', () => {
    assert.equal(cutMiddle('short', 10), 'short');
    const cut = cutMiddle('a'.repeat(500) + 'b'.repeat(500), 100);
    assert.ok(cut.length <= 100);
    assert.match(cut, /^a+\n\[\.\.\. \d+ characters cut \.\.\.\]\nb+$/);
  });

  it('keeps the start and end of a stream, and counts what it dropped', () => {
    const out = new BoundedOutput(20);
    for (let i = 0; i < 100; i++) out.push(String(i % 10).repeat(10));
    assert.equal(out.text(), '0000000000\n[... 980 characters cut ...]\n9999999999');
    const small = new BoundedOutput(20);
    small.push('abc');
    small.push('def');
    assert.equal(small.text(), 'abcdef');
  });
});

describe('tools: command lines', () => {
  it('splits words with quotes and no shell meaning', () => {
    assert.deepEqual(splitCommandLine(`npm test -- --grep 'a b' "c"d`), { ok: true, words: ['npm', 'test', '--', '--grep', 'a b', 'cd'] });
    assert.deepEqual(splitCommandLine('echo $HOME; ls'), { ok: true, words: ['echo', '$HOME;', 'ls'] });
    assert.equal(splitCommandLine('say "unclosed').ok, false);
    assert.equal(splitCommandLine('   ').ok, false);
  });

  it('matches allowlist entries word for word only', () => {
    const allow = ['npm test', 'npm run lint -- --fix'];
    assert.deepEqual(matchAllowlist('  npm   test ', allow), ['npm', 'test']);
    assert.deepEqual(matchAllowlist('npm run lint -- "--fix"', allow), ['npm', 'run', 'lint', '--', '--fix']);
    assert.equal(matchAllowlist('npm test -- --watch', allow), null);
    assert.equal(matchAllowlist('npm', allow), null);
    assert.equal(matchAllowlist('npm test; rm -rf /', allow), null);
  });
});

describe('tools: output caps on multi-byte text', () => {
  const wellFormed = (text: string): boolean => Buffer.from(text, 'utf8').toString('utf8') === text;

  it('never leaves half an emoji at either side of the cut', () => {
    const text = '😀'.repeat(400);
    for (let max = 40; max < 60; max++) assert.ok(wellFormed(cutMiddle(text, max)), `split at ${max}`);
  });

  it('keeps a stream of emoji whole in its head and tail, in order', () => {
    for (const size of [3, 5, 7]) {
      const out = new BoundedOutput(21);
      for (let i = 0; i < 50; i++) out.push('😀🚀x'.repeat(size + (i % 3)));
      const text = out.text();
      assert.ok(wellFormed(text), text);
      assert.match(text, /^(😀|🚀|x)+\n\[\.\.\. \d+ characters cut \.\.\.\]\n/);
    }
  });
});

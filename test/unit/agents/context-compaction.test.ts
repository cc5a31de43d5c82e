import assert from 'node:assert/strict';
import { fitContext, historyTokens, type ContextFit } from '../../../daemon/src/agents/context-compaction.js';
import type { ChatTurn } from '../../../daemon/src/agents/ports.js';

const countTokens = (text: string) => Math.ceil(text.length / 4);
const fit = (contextSize: number, over: Partial<ContextFit> = {}): ContextFit => ({
  contextSize, reserve: 100, countTokens, compactAt: 0.85, compactTo: 0.6, pinned: 2, keepRecent: 4, ...over,
});

function history(pairs: number, outputChars: number): ChatTurn[] {
  const turns: ChatTurn[] = [{ role: 'system', content: 'You are a worker.' }, { role: 'user', content: 'Do the subtask.' }];
  for (let i = 0; i < pairs; i++) {
    turns.push({ role: 'assistant', content: `{"tool":"read_file","args":{"path":"f${i}"}}` });
    turns.push({ role: 'tool', content: `read_file → ok\n${String(i).repeat(outputChars)}` });
  }
  return turns;
}

describe('agents: context compaction', () => {
  it('leaves a history that fits untouched', () => {
    const turns = history(2, 100);
    const before = JSON.stringify(turns);
    const result = fitContext(turns, fit(4000));
    assert.deepEqual(result.ok && result.compacted, false);
    assert.equal(JSON.stringify(turns), before);
  });

  it('compacts old tool outputs first, keeping the pinned turns and the recent ones whole', () => {
    const turns = history(8, 800);
    const result = fitContext(turns, fit(1500));
    assert.ok(result.ok && result.compacted);
    const pinned = historyTokens(turns.slice(0, 2), countTokens);
    assert.ok(historyTokens(turns, countTokens) <= pinned + (1500 - 100 - pinned) * 0.6, 'down to the target, a share of the room the pinned turns leave');
    assert.equal(turns[0]!.content, 'You are a worker.');
    assert.equal(turns[1]!.content, 'Do the subtask.');
    assert.match(turns[turns.length - 1]!.content, /7{800}/);
    assert.match(turns[turns.length - 3]!.content, /6{800}/);
    assert.ok(turns.some((t) => t.content.includes('output compacted')));
  });

  it('drops old turns when stubs are not enough, but keeps user feedback', () => {
    const turns = history(40, 300);
    turns.splice(10, 0, { role: 'user', content: 'Feedback: use tabs.' });
    const result = fitContext(turns, fit(1000));
    assert.ok(result.ok);
    assert.ok(historyTokens(turns, countTokens) <= 900);
    assert.ok(turns.some((t) => t.content === 'Feedback: use tabs.'));
    assert.match(turns[2]!.content, /Earlier turns were removed to save context: \d+/);
  });

  it('cuts the middle of a huge recent turn to fit the hard limit', () => {
    const turns = history(1, 20_000);
    const result = fitContext(turns, fit(1000));
    assert.ok(result.ok);
    assert.ok(historyTokens(turns, countTokens) <= 900);
    assert.match(turns[3]!.content, /tokens cut/);
  });

  it('reports an overflow when the system prompt alone is too big', () => {
    const turns: ChatTurn[] = [{ role: 'system', content: 'x'.repeat(8000) }, { role: 'user', content: 'go' }];
    const result = fitContext(turns, fit(1000));
    assert.equal(result.ok, false);
  });

  it('a second compaction counts the turns already removed', () => {
    const turns = history(40, 300);
    fitContext(turns, fit(1000));
    const first = Number(/(\d+)\]$/.exec(turns[2]!.content)![1]);
    for (let i = 0; i < 10; i++) turns.push({ role: 'assistant', content: 'a'.repeat(400) }, { role: 'tool', content: 't'.repeat(400) });
    fitContext(turns, fit(1000));
    assert.ok(Number(/(\d+)\]$/.exec(turns[2]!.content)![1]) > first);
    assert.equal(turns.filter((t) => t.content.startsWith('[Earlier turns')).length, 1);
  });

  it('compacts well below the limit after a long system prompt, so the next steps grow the history without compacting', () => {
    // A system prompt of half the room: measured against the whole room the target would sit near the limit.
    const turns: ChatTurn[] = [{ role: 'system', content: 's'.repeat(4 * 700) }, { role: 'user', content: 'Do the task.' }];
    const config = fit(1500, { compactAt: 0.9, compactTo: 0.4 });
    let compactions = 0;
    const stepsBetween: number[] = [];
    let steps = 0;
    for (let step = 0; step < 30; step++) {
      turns.push({ role: 'assistant', content: 'a'.repeat(4 * 40) }, { role: 'tool', content: 't'.repeat(4 * 40) });
      const result = fitContext(turns, { ...config, keepRecent: 2 });
      assert.ok(result.ok);
      steps++;
      if (result.compacted) {
        compactions++;
        stepsBetween.push(steps);
        steps = 0;
      }
    }
    assert.ok(compactions >= 2, `compacted ${compactions} times`);
    // The first compaction is reached from empty; after it, each one frees room for several steps.
    assert.ok(stepsBetween.slice(1).every((n) => n >= 3), `steps between compactions: ${stepsBetween.join(', ')}`);
  });
});

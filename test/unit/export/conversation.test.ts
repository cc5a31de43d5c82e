// Rebuilding a role's conversation from steps: actions become tool calls, the turns that came back
// after each step follow it, and a step not given its predecessor's turns is a context break.
import assert from 'node:assert/strict';
import type { ChatTurn } from '../../../daemon/src/agents/ports.js';
import { buildConversation, continues, historyMessages } from '../../../daemon/src/store/export/conversation.js';
import type { StepRow } from '../../../daemon/src/store/export/store-reader.js';

const turns = new Map<string, ChatTurn>();
function turn(role: ChatTurn['role'], content: string): string {
  const hash = `h${turns.size}`;
  turns.set(hash, { role, content });
  return hash;
}
const turnOf = (hash: string) => turns.get(hash)!;

function step(id: number, messages: string[], tool: string, args: Record<string, unknown>): StepRow {
  return { id, subtask_id: 's', round: 0, role: 'worker', adapter_version: 1, adapter_sha: null, prompt_version: 'v1', messages, action: { tool, args }, created_at: id };
}

describe('buildConversation', () => {
  const system = turn('system', 'You are the worker.');
  const user = turn('user', 'Fix clamp.');
  const read = { tool: 'read_file', args: { path: 'a.ts' } };
  const s1 = step(1, [system, user], 'read_file', read.args);
  const s2 = step(2, [system, user, turn('assistant', JSON.stringify(read)), turn('tool', 'export const a = 1;')], 'done', { summary: 'ok' });

  it('turns actions into tool calls answered by the tool turns that followed', () => {
    const { prompt, completion } = buildConversation([s1, s2], 'worker', turnOf);
    assert.deepEqual(prompt, [{ role: 'system', content: 'You are the worker.' }, { role: 'user', content: 'Fix clamp.' }]);
    assert.equal(completion.length, 3);
    const [call, result, done] = completion;
    assert.ok(call?.role === 'assistant' && call.toolCall?.name === 'read_file');
    assert.deepEqual(call.toolCall.arguments, { path: 'a.ts' });
    assert.ok(result?.role === 'tool' && result.toolCallId === call.toolCall.id && result.content === 'export const a = 1;');
    assert.ok(done?.role === 'assistant' && done.toolCall?.name === 'done');
  });

  it('sees a context break when a step was not given the previous turns', () => {
    assert.equal(continues(s1, s2), true);
    const compacted = step(3, [system, turn('user', 'Summary of earlier work.')], 'done', { summary: 'ok' });
    assert.equal(continues(s2, compacted), false);
  });

  it('keeps an action outside the role tool list as plain assistant text', () => {
    const odd = step(4, [system, user], 'delegate', { instruction: 'x', files: [] });
    const { completion } = buildConversation([odd], 'worker', turnOf);
    assert.ok(completion[0]?.role === 'assistant' && !completion[0].toolCall);
    assert.match(completion[0].content, /delegate/);
  });
});

describe('historyMessages', () => {
  it('marks earlier assistant turns as context and links their results', () => {
    const messages = historyMessages([
      { role: 'user', content: 'Fix clamp.' },
      { role: 'assistant', content: '{"tool":"run","args":{"command":"npm test"}}' },
      { role: 'tool', content: 'ok' },
      { role: 'assistant', content: 'not json' },
      { role: 'tool', content: 'orphan result' },
    ], 'worker');
    const [, call, result, text, orphan] = messages;
    assert.ok(call?.role === 'assistant' && call.context && call.toolCall?.name === 'run');
    assert.ok(result?.role === 'tool' && result.toolCallId === call.toolCall.id);
    assert.ok(text?.role === 'assistant' && text.context && !text.toolCall);
    assert.deepEqual(orphan, { role: 'user', content: 'orphan result' });
  });
});

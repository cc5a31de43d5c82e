import assert from 'node:assert/strict';
import type { TrajectoryMessage } from '../../../daemon/src/store/export/trajectory.js';
import { applyUserEdits } from '../../../daemon/src/store/export/user-edits.js';

function call(id: string, name: string, args: Record<string, unknown>): TrajectoryMessage[] {
  return [
    { role: 'assistant', content: '', toolCall: { id, name, arguments: args } },
    { role: 'tool', content: `${name} result`, toolCallId: id, name },
  ];
}

describe('applyUserEdits', () => {
  const completion: TrajectoryMessage[] = [
    ...call('c1', 'read_file', { path: 'src/a.ts' }),
    ...call('c2', 'write_file', { path: './src/a.ts', content: 'worker v1' }),
    ...call('c3', 'edit_file', { path: 'src/a.ts', search: 'v1', replace: 'v2' }),
    ...call('c4', 'run', { command: 'npm test' }),
    { role: 'assistant', content: '', toolCall: { id: 'c5', name: 'done', arguments: { summary: 'done' } } },
  ];

  it("replaces the worker's writes to an edited file with one write of the user's content", () => {
    const out = applyUserEdits(completion, new Map([['src/a.ts', 'user version']]), true);
    const writes = out.filter((m) => m.role === 'assistant' && ['write_file', 'edit_file'].includes(m.toolCall?.name ?? ''));
    assert.equal(writes.length, 1);
    const write = writes[0]!;
    assert.ok(write.role === 'assistant');
    assert.deepEqual(write.toolCall?.arguments, { path: './src/a.ts', content: 'user version' });
    assert.ok(!out.some((m) => m.role === 'tool' && m.toolCallId === 'c3'), 'the dropped edit loses its result too');
    assert.ok(out.some((m) => m.role === 'tool' && m.toolCallId === 'c4'), 'other steps stay');
    assert.deepEqual(completion[3], { role: 'tool', content: 'write_file result', toolCallId: 'c2', name: 'write_file' }, 'input untouched');
  });

  it('adds a write before done for an edited file the worker never wrote, only when asked', () => {
    const edits = new Map([['README.md', '# Docs']]);
    const added = applyUserEdits(completion, edits, true);
    assert.equal(added.length, completion.length + 2);
    const write = added.at(-3)!;
    assert.ok(write.role === 'assistant' && write.toolCall?.name === 'write_file');
    assert.deepEqual(write.toolCall.arguments, { path: 'README.md', content: '# Docs' });
    assert.ok(added.at(-1)!.role === 'assistant');
    assert.deepEqual(applyUserEdits(completion, edits, false), completion);
  });
});

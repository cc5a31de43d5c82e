// Kept vs dropped hunks as preference data: each hunk as the one call that makes it, the approved
// version holding only the kept ones, a kept_hunks pair against the agent's whole change, and one
// labelled KTO example per hunk.
import assert from 'node:assert/strict';
import { hunkCall, keepOnlyKeptHunks, reviewedHunks } from '../../../daemon/src/store/export/kept-hunks.js';
import { preferencePairs, unpairedExamples } from '../../../daemon/src/store/export/preference-pairs.js';
import type { DiffRow } from '../../../daemon/src/store/export/store-reader.js';
import type { Label, TrajectoryMessage, TrajectoryUnit } from '../../../daemon/src/store/export/trajectory.js';
import { splitFileSections } from '../../../daemon/src/workspace/unified-diff.js';

// What git writes for numbers.txt (40 lines) with lines 3 and 35 spelled out, and a new file.
const UNIFIED = [
  'diff --git a/numbers.txt b/numbers.txt', '--- a/numbers.txt', '+++ b/numbers.txt',
  '@@ -1,6 +1,6 @@', ' number 1', ' number 2', '-number 3', '+number three', ' number 4', ' number 5', ' number 6',
  '@@ -32,9 +32,9 @@', ' number 32', ' number 33', ' number 34', '-number 35', '+number thirty-five', ' number 36', ' number 37', ' number 38', ' number 39', ' number 40',
  'diff --git a/new.txt b/new.txt', 'new file mode 100644', '--- /dev/null', '+++ b/new.txt',
  '@@ -0,0 +1,2 @@', '+one', '+two', '\\ No newline at end of file', '',
].join('\n');
const FILES = [
  { path: 'numbers.txt', status: 'modified', additions: 2, deletions: 2, binary: false, hunks: [] },
  { path: 'new.txt', status: 'added', additions: 2, deletions: 0, binary: false, hunks: [] },
];
const DIFF: DiffRow = { id: 7, subtask_id: 's', step_id: 5, round: 0, files_json: JSON.stringify(FILES), diff_hash: 'h', created_at: 0 };
const blob = (hash: string) => { assert.equal(hash, 'h'); return UNIFIED; };

const call = (id: string, name: string, args: Record<string, unknown>): TrajectoryMessage[] => [
  { role: 'assistant', content: '', toolCall: { id, name, arguments: args } },
  { role: 'tool', content: `${name} result`, toolCallId: id, name },
];
const agentCompletion: TrajectoryMessage[] = [
  ...call('c1', 'read_file', { path: 'numbers.txt' }),
  ...call('c2', 'write_file', { path: 'numbers.txt', content: 'the agent\'s whole file' }),
  { role: 'assistant', content: '', toolCall: { id: 'c3', name: 'done', arguments: { summary: 'spelled out' } } },
];
const toolCalls = (messages: TrajectoryMessage[]) => messages.flatMap((m) => (m.role === 'assistant' && m.toolCall ? [[m.toolCall.name, m.toolCall.arguments]] : []));

function workerUnit(label: Label): TrajectoryUnit {
  return {
    role: 'worker', prompt: [{ role: 'system', content: 'sys' }, { role: 'user', content: 'spell out 3 and 35' }], completion: agentCompletion,
    pairKey: 't:w:s', wholeVersion: true, versionStart: true,
    provenance: {
      task_id: 't', subtask_id: 's', round: 0, role: 'worker', step_ids: [1, 2, 3], base_model_sha: null, adapter_version: null, adapter_sha: null,
      prompt_version: 'p', repo: { path: '/r', remote: null, base_commit: 'c', applied_commit: null }, review: null, signal: null, label,
    },
  };
}

describe('kept vs dropped hunks', () => {
  it('makes each hunk the one call that makes it: edit_file old lines to new lines, write_file for a new file', () => {
    const [numbers, added] = splitFileSections(UNIFIED);
    assert.deepEqual(hunkCall('numbers.txt', numbers!.hunks[0]!, false, 'x')?.call.arguments, {
      path: 'numbers.txt', search: 'number 1\nnumber 2\nnumber 3\nnumber 4\nnumber 5\nnumber 6\n', replace: 'number 1\nnumber 2\nnumber three\nnumber 4\nnumber 5\nnumber 6\n',
    });
    assert.deepEqual(hunkCall('new.txt', added!.hunks[0]!, true, 'y')?.call, { id: 'y', name: 'write_file', arguments: { path: 'new.txt', content: 'one\ntwo' } });
  });

  it('reads the hunks of files where some were dropped, and leaves out files with an edited hunk or all kept', () => {
    const hunks = reviewedHunks([
      { diffId: 7, path: 'numbers.txt', decisions: ['kept', 'dropped'] },
      { diffId: 7, path: 'new.txt', decisions: ['kept'] },
    ], [DIFF], blob);
    assert.deepEqual(hunks.map((h) => [h.path, h.index, h.decision, h.call.name]), [['numbers.txt', 0, 'kept', 'edit_file'], ['numbers.txt', 1, 'dropped', 'edit_file']]);
    assert.deepEqual(reviewedHunks([{ diffId: 7, path: 'numbers.txt', decisions: ['edited', 'dropped'] }], [DIFF], blob), []);
    assert.deepEqual(reviewedHunks([{ diffId: 7, path: 'numbers.txt', decisions: ['kept'] }], [DIFF], blob), [], 'decisions that do not fit the diff are not guessed at');
  });

  it('replaces the agent\'s write of the file with its kept hunks only', () => {
    const hunks = reviewedHunks([{ diffId: 7, path: 'numbers.txt', decisions: ['dropped', 'kept'] }], [DIFF], blob);
    const kept = keepOnlyKeptHunks(agentCompletion, hunks, true);
    assert.deepEqual(toolCalls(kept), [
      ['read_file', { path: 'numbers.txt' }],
      ['edit_file', { path: 'numbers.txt', search: hunks[1]!.call.arguments.search, replace: hunks[1]!.call.arguments.replace }],
      ['done', { summary: 'spelled out' }],
    ]);
    assert.ok(String(hunks[1]!.call.arguments.replace).includes('number thirty-five\n'));
    assert.ok(!kept.some((m) => m.role === 'tool' && m.toolCallId === 'c2'), 'the agent\'s write goes with its result');
  });

  it('pairs the kept version (chosen) against the agent\'s whole change, and labels each hunk for KTO', () => {
    const hunks = reviewedHunks([{ diffId: 7, path: 'numbers.txt', decisions: ['kept', 'dropped'] }], [DIFF], blob);
    const unit = { ...workerUnit('approved'), hunks, original: agentCompletion, originalKind: 'kept_hunks' as const, completion: keepOnlyKeptHunks(agentCompletion, hunks, true) };
    const { pairs, paired } = preferencePairs([unit], 'approved');
    assert.equal(pairs.length, 1);
    assert.equal(pairs[0]!.metadata.pair.kind, 'kept_hunks');
    assert.deepEqual(toolCalls(pairs[0]!.chosen).map(([name]) => name), ['edit_file', 'done']);
    assert.deepEqual(toolCalls(pairs[0]!.rejected), [['write_file', { path: 'numbers.txt', content: 'the agent\'s whole file' }], ['done', { summary: 'spelled out' }]]);

    const examples = unpairedExamples([unit], paired, 'approved');
    assert.deepEqual(examples.map((e) => [e.label, e.metadata.hunk]), [
      [true, { path: 'numbers.txt', index: 0, decision: 'kept' }],
      [false, { path: 'numbers.txt', index: 1, decision: 'dropped' }],
    ], 'one example per hunk; the paired unit itself is not repeated');
    // The context is the work up to its first write of the file; the completion is that hunk's call alone.
    assert.deepEqual(toolCalls(examples[1]!.prompt), [['read_file', { path: 'numbers.txt' }]]);
    assert.deepEqual(toolCalls(examples[1]!.completion), [['edit_file', hunks[1]!.call.arguments]]);
  });

  it('keeps a dropped hunk\'s bad label but no kept hunk\'s good one when the work was reverted later', () => {
    const hunks = reviewedHunks([{ diffId: 7, path: 'numbers.txt', decisions: ['kept', 'dropped'] }], [DIFF], blob);
    const examples = unpairedExamples([{ ...workerUnit('reverted'), hunks }], new Set(), 'approved');
    assert.deepEqual(examples.map((e) => [e.label, e.metadata.hunk?.decision ?? 'whole unit']), [[false, 'dropped'], [false, 'whole unit']]);
  });
});

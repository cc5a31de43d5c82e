import assert from 'node:assert/strict';
import { DiffSince } from '../../../daemon/src/agents/diff-since.js';
import type { DiffFile, TaskDiff } from '../../../daemon/src/protocol/types.js';

const section = (path: string, line: string) => `diff --git a/${path} b/${path}\nnew file mode 100644\n--- /dev/null\n+++ b/${path}\n@@ -0,0 +1 @@\n+${line}\n`;
const file = (path: string): DiffFile => ({ path, status: 'added', additions: 1, deletions: 0, binary: false, hunks: [] });
const diffOf = (parts: Record<string, string>): TaskDiff => ({
  taskId: 't', round: 1, baseCommit: 'b', patchId: 'p',
  unified: Object.entries(parts).map(([path, line]) => section(path, line)).join(''),
  files: Object.keys(parts).map(file),
});
const limit = { maxTokens: 1000, countTokens: (text: string) => text.length };

describe('diff since the last report', () => {
  it('shows every file the first time, then only the files that changed since', () => {
    const since = new DiffSince();
    const first = since.message(diffOf({ 'a.md': 'one' }), limit);
    assert.match(first, /^Diff \(1 files, \+1 -0: added a\.md\):\ndiff --git a\/a\.md/);

    const second = since.message(diffOf({ 'a.md': 'one', 'b.md': 'two' }), limit);
    assert.match(second, /^Diff \(2 files, \+2 -0: added a\.md, added b\.md\):\nChanged since the last report \(the other files as shown before\): b\.md\ndiff --git a\/b\.md/);
    assert.ok(!second.includes('+one'), 'a.md is not repeated');

    const revised = since.message(diffOf({ 'a.md': 'uno', 'b.md': 'two' }), limit);
    assert.ok(revised.includes('+uno') && !revised.includes('+two'), revised);
    assert.match(revised, /Changed since the last report \(the other files as shown before\): a\.md\n/);

    const nothing = since.message(diffOf({ 'a.md': 'uno', 'b.md': 'two' }), limit);
    assert.match(nothing, /^Diff \(2 files, \+2 -0: added a\.md, added b\.md\):\nNothing changed since the last report\.$/);
  });

  it('says when the worktree has no changes', () => {
    assert.equal(new DiffSince().message(diffOf({}), limit), 'Diff: no changes in the worktree.');
  });
});

// Which of the agent's hunks a user's version kept, dropped or edited, read from the two diffs' hunks.
import assert from 'node:assert/strict';
import { decideHunks } from '../../../daemon/src/workspace/hunk-decisions.js';
import type { ParsedHunk } from '../../../daemon/src/workspace/unified-diff.js';

const hunk = (index: number, oldStart: number, oldLines: number, newStart: number, lines: string[]): ParsedHunk => ({
  index, header: `@@ -${oldStart},${oldLines} +${newStart},${lines.filter((l) => !l.startsWith('-')).length} @@`,
  oldStart, oldLines, newStart, newLines: lines.filter((l) => !l.startsWith('-')).length, lines,
});

const first = hunk(0, 1, 3, 1, [' a', '-b', '+B', ' c']);
const second = hunk(1, 20, 3, 20, [' x', '-y', '+Y', ' z']);

describe('workspace: hunk decisions of an approved file', () => {
  it('a hunk found again with the same old range and lines is kept, one with nothing near it is dropped', () => {
    // The user reverted the first hunk: only the second is left, at the same old range, with new lines shifted.
    assert.deepEqual(decideHunks([first, second], [{ ...second, index: 0, newStart: 19 }]), ['dropped', 'kept']);
  });

  it('a hunk whose range the user changed differently is edited', () => {
    const changed = hunk(0, 1, 3, 1, [' a', '-b', '+Bee', ' c']);
    assert.deepEqual(decideHunks([first, second], [changed, { ...second, index: 1 }]), ['edited', 'kept']);
  });

  it('nothing left of the agent\'s change: every hunk dropped', () => {
    assert.deepEqual(decideHunks([first, second], []), ['dropped', 'dropped']);
  });

  it('a pure addition counts its insertion point, so an edit there is an edit, not a drop', () => {
    const added = hunk(0, 5, 0, 6, ['+new line']);
    const userAdded = hunk(0, 5, 0, 6, ['+another line']);
    assert.deepEqual(decideHunks([added], [userAdded]), ['edited']);
  });
});

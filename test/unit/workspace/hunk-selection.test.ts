// Choosing hunks: the parser reads git's hunks, and applying a subset rebuilds the file exactly.
import assert from 'node:assert/strict';
import { applySelectedHunks } from '../../../daemon/src/workspace/hunk-selection.js';
import { splitFileSections } from '../../../daemon/src/workspace/unified-diff.js';

const DIFF = `diff --git a/f.txt b/f.txt
index 1111111..2222222 100644
--- a/f.txt
+++ b/f.txt
@@ -1,3 +1,3 @@
-one
+ONE
 two
 three
@@ -8,3 +8,4 @@ seven
 eight
 nine
-ten
\\ No newline at end of file
+TEN
+eleven
\\ No newline at end of file
diff --git a/new.txt b/new.txt
new file mode 100644
index 0000000..3333333
--- /dev/null
+++ b/new.txt
@@ -0,0 +1 @@
+hello
diff --git a/img.png b/img.png
index 4444444..5555555 100644
Binary files a/img.png and b/img.png differ
`;
const BASE = 'one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten';

describe('workspace: unified diff sections and hunk selection', () => {
  const [file, added, binary] = splitFileSections(DIFF);

  it('splits sections and reads hunk headers and counts', () => {
    assert.equal(splitFileSections(DIFF).length, 3);
    assert.deepEqual(file!.hunks.map((h) => [h.index, h.oldStart, h.oldLines, h.newStart, h.newLines]), [[0, 1, 3, 1, 3], [1, 8, 3, 8, 4]]);
    assert.equal(file!.additions, 3);
    assert.equal(file!.deletions, 2);
    assert.deepEqual(added!.hunks.map((h) => [h.oldStart, h.oldLines, h.newStart, h.newLines]), [[0, 0, 1, 1]]);
    assert.equal(binary!.binary, true);
    assert.ok(file!.text.startsWith('diff --git a/f.txt') && file!.text.endsWith('\\ No newline at end of file\n'));
  });

  it('applies all, some or none of the hunks', () => {
    assert.deepEqual(applySelectedHunks(BASE, file!.hunks, [0, 1]), { ok: true, content: BASE.replace('one', 'ONE').replace('ten', 'TEN\neleven') });
    assert.deepEqual(applySelectedHunks(BASE, file!.hunks, [1]), { ok: true, content: BASE.replace('ten', 'TEN\neleven') });
    assert.deepEqual(applySelectedHunks(BASE, file!.hunks, [0]), { ok: true, content: BASE.replace('one', 'ONE') });
    assert.deepEqual(applySelectedHunks(BASE, file!.hunks, []), { ok: true, content: BASE });
    assert.deepEqual(applySelectedHunks('', added!.hunks, [0]), { ok: true, content: 'hello\n' });
  });

  it('refuses unknown hunks and a base the hunks do not fit', () => {
    assert.deepEqual(applySelectedHunks(BASE, file!.hunks, [2]), { ok: false, error: 'no hunk 2 in this file (it has 2)' });
    const other = applySelectedHunks('something else\n', file!.hunks, [0]);
    assert.equal(other.ok, false);
  });
});

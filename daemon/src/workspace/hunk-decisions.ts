// What became of each of the agent's hunks in the version the user approved: kept as the agent
// wrote it, dropped (the base's lines are back, e.g. by the diff editor's "Revert Block"), or edited.
// Read from git's diff of the base to the user's version: both diffs start from the same base, so a
// kept hunk reappears with the same old range and the same lines, and a dropped one not at all.
import type { HunkDecision } from '../protocol/review-hunks.js';
import { gitText } from './git-exec.js';
import { splitFileSections, type ParsedHunk } from './unified-diff.js';

export function decideHunks(agentHunks: readonly ParsedHunk[], userHunks: readonly ParsedHunk[]): HunkDecision[] {
  return agentHunks.map((hunk) => {
    const same = userHunks.some((user) => user.oldStart === hunk.oldStart && user.oldLines === hunk.oldLines
      && user.lines.length === hunk.lines.length && user.lines.every((line, i) => line === hunk.lines[i]));
    if (same) return 'kept';
    return userHunks.some((user) => overlaps(user, hunk)) ? 'edited' : 'dropped';
  });
}

/** Old-side ranges that share a line; an empty range (a pure addition) counts as its insertion point. */
function overlaps(a: ParsedHunk, b: ParsedHunk): boolean {
  const range = (h: ParsedHunk) => [h.oldStart, h.oldStart + Math.max(h.oldLines, 1)] as const;
  const [aStart, aEnd] = range(a);
  const [bStart, bEnd] = range(b);
  return aStart < bEnd && bStart < aEnd;
}

/** The hunks of git's diff from one text to another, with the same flags as a task's diff. */
export async function hunksBetween(cwd: string, before: Buffer, after: Buffer): Promise<ParsedHunk[]> {
  const [from, to] = await Promise.all([before, after].map(async (content) =>
    (await gitText(['hash-object', '-w', '--stdin'], { cwd, input: content })).trim()));
  const unified = await gitText(['diff', '--no-color', '--no-ext-diff', '--no-textconv', '--src-prefix=a/', '--dst-prefix=b/', from!, to!], { cwd });
  return splitFileSections(unified)[0]?.hunks ?? [];
}

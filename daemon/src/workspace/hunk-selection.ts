// Builds a file's content with only some of the agent's hunks applied to the base version.
// Pure: works on text, so the user can approve hunk 0 and not hunk 1 of the same file.
import type { ParsedHunk } from './unified-diff.js';

export type HunkSelection = { ok: true; content: string } | { ok: false; error: string };

/** Lines with their terminators kept, so files without a final newline round-trip exactly. */
function splitKeepingEol(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Turns hunk body lines into (kind, line-with-terminator) pairs, honouring "\ No newline at end of file". */
function hunkOps(hunk: ParsedHunk): { kind: ' ' | '-' | '+'; line: string }[] {
  const ops: { kind: ' ' | '-' | '+'; line: string }[] = [];
  for (const raw of hunk.lines) {
    if (raw.startsWith('\\')) {
      const last = ops.at(-1);
      if (last) last.line = last.line.replace(/\n$/, '');
      continue;
    }
    const kind = raw[0];
    if (kind === ' ' || kind === '-' || kind === '+') ops.push({ kind, line: raw.slice(1) + '\n' });
  }
  return ops;
}

export function applySelectedHunks(base: string, hunks: ParsedHunk[], selected: readonly number[]): HunkSelection {
  const unknown = selected.filter((index) => !hunks.some((hunk) => hunk.index === index));
  if (unknown.length > 0) return { ok: false, error: `no hunk ${unknown.join(', ')} in this file (it has ${hunks.length})` };
  const baseLines = splitKeepingEol(base);
  const out: string[] = [];
  let next = 0; // index of the next base line not yet copied
  for (const hunk of hunks) {
    if (!selected.includes(hunk.index)) continue;
    // A hunk that adds to an empty range starts after line oldStart, not at it.
    const start = hunk.oldLines === 0 ? hunk.oldStart : hunk.oldStart - 1;
    if (start < next) return { ok: false, error: `hunk ${hunk.index} overlaps an earlier hunk` };
    out.push(...baseLines.slice(next, start));
    next = start;
    for (const op of hunkOps(hunk)) {
      if (op.kind === '+') { out.push(op.line); continue; }
      if (baseLines[next] !== op.line) return { ok: false, error: `hunk ${hunk.index} does not match the base version of the file` };
      if (op.kind === ' ') out.push(op.line);
      next++;
    }
  }
  out.push(...baseLines.slice(next));
  return { ok: true, content: out.join('') };
}

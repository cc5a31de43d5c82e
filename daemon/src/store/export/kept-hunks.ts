// A user who keeps some hunks of a file and drops others (review_hunks) has said which change was
// good. Each reviewed hunk becomes one worker tool call that makes exactly that change (edit_file
// from its old lines to its new lines, or write_file for a new file), which needs no file content
// beyond the reviewed diff: the kept hunks replace the agent's writes of the file in the version
// the user approved, and every hunk is a labelled example of its own (kept: good, dropped: bad).
import type { HunkDecision } from '../../protocol/review-hunks.js';
import type { DiffFile } from '../../protocol/types.js';
import { splitFileSections, type ParsedHunk } from '../../workspace/unified-diff.js';
import type { DiffRow } from './store-reader.js';
import { normalizePath } from './task-outcome.js';
import type { ToolCall, TrajectoryMessage, TrajectoryUnit, UnpairedExample } from './trajectory.js';
import { replaceFileWrites } from './user-edits.js';

/** What the per-hunk examples are (manifest.json's `hunkExamples`). */
export const HUNK_EXAMPLES = 'one example per hunk of a file where the user kept some hunks and dropped others: '
  + 'the prompt is the work up to its first write of the file, the completion the one call making that hunk on the base file '
  + '(edit_file from its old lines to its new lines), label true when kept, false when dropped; metadata.hunk names the file, hunk and decision';

/** The decisions on one approved file's hunks, as recorded with its review. */
export interface HunkReview { diffId: number; path: string; decisions: HunkDecision[] }

/** One hunk the user kept or dropped, as the call that makes it on the base file. */
export interface ReviewedHunk { path: string; index: number; decision: HunkDecision; call: ToolCall; result: string }

/**
 * The reviewed hunks of files where the user dropped at least one hunk and edited none (an edit is
 * a user's version of its own: user-edits.ts). Hunks no tool call can express are left out.
 */
export function reviewedHunks(reviews: HunkReview[], diffs: DiffRow[], blob: (hash: string) => string): ReviewedHunk[] {
  const out: ReviewedHunk[] = [];
  for (const review of reviews) {
    if (!review.decisions.includes('dropped') || review.decisions.includes('edited')) continue;
    const diff = diffs.find((d) => d.id === review.diffId);
    if (!diff) continue;
    const files = JSON.parse(diff.files_json) as DiffFile[];
    const index = files.findIndex((f) => normalizePath(f.path) === review.path);
    const file = files[index];
    const hunks = index < 0 ? [] : splitFileSections(blob(diff.diff_hash))[index]?.hunks ?? [];
    if (!file || file.binary || hunks.length !== review.decisions.length) continue; // not the diff the decisions were made on
    for (const hunk of hunks) {
      const made = hunkCall(review.path, hunk, file.status === 'added', `call_hunk_${review.diffId}_${hunk.index}`);
      if (made) out.push({ path: review.path, index: hunk.index, decision: review.decisions[hunk.index]!, ...made });
    }
  }
  return out;
}

/** The tool call that makes one hunk's change on the base file; null when the old side is empty in an existing file. */
export function hunkCall(path: string, hunk: ParsedHunk, newFile: boolean, id: string): { call: ToolCall; result: string } | null {
  const { before, after } = sidesOf(hunk);
  if (newFile) return { call: { id, name: 'write_file', arguments: { path, content: after } }, result: `Created ${path} (${lineCount(after)} lines).` };
  if (!before) return null; // edit_file needs text to find
  return { call: { id, name: 'edit_file', arguments: { path, search: before, replace: after } }, result: `Edited ${path} at line ${hunk.oldStart}.` };
}

/** The hunk's old and new text: context and removed lines, context and added lines. */
function sidesOf(hunk: ParsedHunk): { before: string; after: string } {
  let before = '';
  let after = '';
  hunk.lines.forEach((line, i) => {
    if (line.startsWith('\\')) return;
    // "\ No newline at end of file" after a line means that line has none.
    const text = line.slice(1) + (hunk.lines[i + 1]?.startsWith('\\') ? '' : '\n');
    if (line[0] !== '+') before += text;
    if (line[0] !== '-') after += text;
  });
  return { before, after };
}

const lineCount = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

/**
 * The completion as the user approved it: each file's writes replaced by the calls of its kept
 * hunks only. `insertMissing`: a file this unit never wrote gets them before its final `done`.
 */
export function keepOnlyKeptHunks(completion: TrajectoryMessage[], hunks: ReviewedHunk[], insertMissing: boolean): TrajectoryMessage[] {
  let messages = completion;
  for (const path of new Set(hunks.map((h) => h.path))) {
    const kept = hunks.filter((h) => h.path === path && h.decision === 'kept');
    messages = replaceFileWrites(messages, path, () => kept.flatMap(callAndResult), insertMissing);
  }
  return messages;
}

/**
 * KTO-style examples, one per hunk: in the unit's context up to its first write of the file, the
 * call making that hunk, labelled true when the user kept it and false when they dropped it.
 */
export function hunkExamples(unit: TrajectoryUnit): UnpairedExample[] {
  const own = unit.original ?? unit.completion;
  return (unit.hunks ?? []).map((hunk) => ({
    kind: 'unpaired', role: unit.role,
    prompt: [...unit.prompt, ...contextBefore(own, hunk.path)],
    completion: callAndResult(hunk),
    label: hunk.decision === 'kept',
    metadata: { ...unit.provenance, hunk: { path: hunk.path, index: hunk.index, decision: hunk.decision } },
  }));
}

function callAndResult(hunk: ReviewedHunk): TrajectoryMessage[] {
  return [
    { role: 'assistant', content: '', toolCall: hunk.call },
    { role: 'tool', content: hunk.result, toolCallId: hunk.call.id, name: hunk.call.name },
  ];
}

/** The unit's turns before it first wrote the file (before its final `done` when it never did), as context. */
function contextBefore(completion: TrajectoryMessage[], path: string): TrajectoryMessage[] {
  const writes = (m: TrajectoryMessage) => m.role === 'assistant' && !m.context && !!m.toolCall
    && ['write_file', 'edit_file'].includes(m.toolCall.name) && normalizePath(String(m.toolCall.arguments.path ?? '')) === path;
  let end = completion.findIndex(writes);
  if (end < 0) {
    const last = completion.at(-1);
    end = last?.role === 'assistant' && last.toolCall?.name === 'done' ? completion.length - 1 : completion.length;
  }
  return completion.slice(0, end);
}

// When the user edited a file before approving it, the version worth learning from is theirs:
// the worker's writes to that file are replaced by one write_file carrying the user's content.
import { normalizePath } from './task-outcome.js';
import type { TrajectoryMessage } from './trajectory.js';

const WRITES = new Set(['write_file', 'edit_file']);

/**
 * Returns the completion with each edited file's first write replaced by a write_file of the user's
 * content and later writes to it dropped (with their results). A file the worker never wrote through
 * a tool gets a write_file before the final `done` when `insertMissing` is set.
 */
export function applyUserEdits(completion: TrajectoryMessage[], edits: Map<string, string>, insertMissing: boolean): TrajectoryMessage[] {
  let messages = completion;
  for (const [path, content] of edits) messages = applyOne(messages, path, content, insertMissing);
  return messages;
}

function applyOne(messages: TrajectoryMessage[], path: string, content: string, insertMissing: boolean): TrajectoryMessage[] {
  return replaceFileWrites(messages, path, (id, written) => [
    { role: 'assistant', content: '', toolCall: { id, name: 'write_file', arguments: { path: written, content } } },
    { role: 'tool', content: writeResult(path, content), toolCallId: id, name: 'write_file' },
  ], insertMissing);
}

/**
 * The messages with the first write of `path` (and its result) replaced by `replacement`'s turns
 * and later writes of it dropped with their results; with `insertMissing`, a file never written
 * through a tool gets the replacement before the final `done`.
 */
export function replaceFileWrites(
  messages: TrajectoryMessage[], path: string, replacement: (callId: string, writtenPath: string) => TrajectoryMessage[], insertMissing: boolean,
): TrajectoryMessage[] {
  const out: TrajectoryMessage[] = [];
  let replaced = false;
  let dropping: string | null = null; // id of a dropped call whose results are dropped too
  for (const message of messages) {
    if (message.role === 'tool' && message.toolCallId === dropping) continue;
    dropping = null;
    const call = message.role === 'assistant' && !message.context ? message.toolCall : undefined;
    if (call && WRITES.has(call.name) && normalizePath(String(call.arguments.path ?? '')) === path) {
      dropping = call.id; // its result described the worker's write, not the replacement
      if (replaced) continue;
      replaced = true;
      out.push(...replacement(call.id, String(call.arguments.path)));
      continue;
    }
    out.push(message);
  }
  if (replaced || !insertMissing) return out;
  const write = replacement(`call_edit_${path}`, path);
  const last = out.at(-1);
  const endsWithDone = last?.role === 'assistant' && last.toolCall?.name === 'done';
  return endsWithDone ? [...out.slice(0, -1), ...write, last] : [...out, ...write];
}

function writeResult(path: string, content: string): string {
  return `Wrote ${Buffer.byteLength(content)} bytes to ${path}.`;
}

// read_file: a file's lines, whole or a range (1-based, inclusive), within the output bound.
import { lstat, readFile as readBytes } from 'node:fs/promises';
import { resolveInside } from './path-guard.js';
import { looksBinary, refused, type ToolContext, type ToolOutcome } from './tool-context.js';

export async function readFile(context: ToolContext, args: { path?: unknown; start_line?: unknown; end_line?: unknown }): Promise<ToolOutcome> {
  const guarded = await resolveInside(context.root, args.path);
  if (!guarded.ok) return refused(guarded.error);
  if (!guarded.exists) return refused(`"${guarded.relative}" does not exist. Use list_files to find the right path.`);
  if (!(await lstat(guarded.absolute)).isFile()) return refused(`"${guarded.relative}" is a folder: use list_files for folders.`);
  const bytes = await readBytes(guarded.absolute);
  if (looksBinary(bytes)) return refused(`"${guarded.relative}" is a binary file (${bytes.length} bytes) and cannot be shown.`);
  const lines = bytes.toString('utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const start = optionalLine(args.start_line) ?? 1;
  if (start === 'bad' || start < 1) return refused('start_line must be a whole number, 1 or more.');
  const end = optionalLine(args.end_line) ?? start + context.limits.maxReadLines - 1;
  if (end === 'bad' || end < start) return refused('end_line must be a whole number, at least start_line.');
  if (lines.length > 0 && start > lines.length) return refused(`"${guarded.relative}" has only ${lines.length} lines.`);

  const last = Math.min(end, lines.length);
  const shown: string[] = [];
  let size = 0;
  for (let n = start; n <= last; n++) {
    const line = lines[n - 1]!;
    if (size + line.length + 1 > context.limits.maxOutputChars && shown.length > 0) break;
    shown.push(line);
    size += line.length + 1;
  }
  const shownEnd = start + shown.length - 1;
  const header = `${guarded.relative} (lines ${lines.length === 0 ? 0 : start}-${shownEnd} of ${lines.length})`;
  const footer = shownEnd < lines.length ? `\n[more: read_file with start_line ${shownEnd + 1}]` : '';
  return { ok: true, result: `${header}\n${shown.join('\n')}${footer}` };
}

function optionalLine(value: unknown): number | 'bad' | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'number' && Number.isInteger(value) ? value : 'bad';
}

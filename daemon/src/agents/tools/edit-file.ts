// edit_file: one exact search/replace. The search text must occur exactly once; otherwise the model
// is told how often it was found and how to make it unique, and the file is left as it was.
import { lstat, readFile } from 'node:fs/promises';
import { resolveInside } from './path-guard.js';
import { looksBinary, refused, type ToolContext, type ToolOutcome } from './tool-context.js';
import { writeNoFollow } from './write-file.js';

export async function editFile(context: ToolContext, args: { path?: unknown; search?: unknown; replace?: unknown }): Promise<ToolOutcome> {
  if (typeof args.search !== 'string' || args.search === '') return refused('edit_file needs a non-empty search text copied exactly from the file.');
  if (typeof args.replace !== 'string') return refused('edit_file needs replace: the text to put in place of the search text.');
  const guarded = await resolveInside(context.root, args.path);
  if (!guarded.ok) return refused(guarded.error);
  if (!guarded.exists) return refused(`"${guarded.relative}" does not exist. To create it, use write_file.`);
  if (!(await lstat(guarded.absolute)).isFile()) return refused(`"${guarded.relative}" is a folder, not a file.`);
  const bytes = await readFile(guarded.absolute);
  if (looksBinary(bytes)) return refused(`"${guarded.relative}" is a binary file and cannot be edited.`);
  const text = bytes.toString('utf8');

  // A file with CRLF line ends still matches a search written with plain newlines.
  const crlf = text.includes('\r\n') && !args.search.includes('\r\n');
  const search = crlf ? args.search.replace(/\n/g, '\r\n') : args.search;
  const replace = crlf ? args.replace.replace(/\n/g, '\r\n') : args.replace;
  const at = occurrences(text, search);
  if (at.length === 0) return refused(notFound(guarded.relative, text, args.search));
  if (at.length > 1) {
    const lines = at.slice(0, 10).map((index) => lineOf(text, index)).join(', ');
    return refused(`the search text occurs ${at.length} times in ${guarded.relative} (lines ${lines}). `
      + 'Include more surrounding lines in search so it matches exactly one place; nothing was changed.');
  }
  const edited = text.slice(0, at[0]) + replace + text.slice(at[0]! + search.length);
  const size = Buffer.byteLength(edited, 'utf8');
  if (size > context.limits.maxFileBytes) return refused(`the edited file would be ${size} bytes; files over ${context.limits.maxFileBytes} bytes are not written.`);
  await writeNoFollow(guarded.absolute, Buffer.from(edited, 'utf8'));
  return { ok: true, result: `Edited ${guarded.relative} at line ${lineOf(text, at[0]!)}.` };
}

function occurrences(text: string, search: string): number[] {
  const found: number[] = [];
  for (let index = text.indexOf(search); index !== -1; index = text.indexOf(search, index + search.length)) found.push(index);
  return found;
}

const lineOf = (text: string, index: number): number => text.slice(0, index).split('\n').length;

/** Says whether the text is there with other whitespace, the usual cause, so the model can recopy it. */
function notFound(path: string, text: string, search: string): string {
  const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();
  const firstLine = search.split('\n').map((line) => line.trim()).find((line) => line !== '') ?? '';
  const near = firstLine === '' ? -1 : text.split('\n').findIndex((line) => squash(line).includes(squash(firstLine)));
  const hint = near >= 0
    ? ` A similar line is at line ${near + 1}, probably with different whitespace or surrounding text: read_file around it and copy the text exactly.`
    : ' Read the file with read_file and copy the search text exactly, including indentation.';
  return `the search text was not found in ${path}; nothing was changed.${hint}`;
}

// write_file: creates or replaces a whole file; missing folders are made. The final open refuses to
// follow a link, so the path checked is the path written.
import { constants } from 'node:fs';
import { lstat, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { resolveInside } from './path-guard.js';
import { refused, type ToolContext, type ToolOutcome } from './tool-context.js';

export async function writeFile(context: ToolContext, args: { path?: unknown; content?: unknown }): Promise<ToolOutcome> {
  if (typeof args.content !== 'string') return refused('write_file needs content: the whole new text of the file.');
  const guarded = await resolveInside(context.root, args.path);
  if (!guarded.ok) return refused(guarded.error);
  if (guarded.relative === '.') return refused('write_file needs a file path, not the repository root.');
  if (guarded.exists && !(await lstat(guarded.absolute)).isFile()) return refused(`"${guarded.relative}" is a folder, not a file.`);
  const bytes = Buffer.from(args.content, 'utf8');
  if (bytes.length > context.limits.maxFileBytes) return refused(`the content is ${bytes.length} bytes; files over ${context.limits.maxFileBytes} bytes are not written.`);
  await writeNoFollow(guarded.absolute, bytes);
  const lines = args.content === '' ? 0 : args.content.split('\n').length - (args.content.endsWith('\n') ? 1 : 0);
  return { ok: true, result: `${guarded.exists ? 'Replaced' : 'Created'} ${guarded.relative} (${lines} lines).` };
}

export async function writeNoFollow(absolute: string, bytes: Buffer): Promise<void> {
  await mkdir(dirname(absolute), { recursive: true });
  const file = await open(absolute, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
  try {
    await file.writeFile(bytes);
  } finally {
    await file.close();
  }
}

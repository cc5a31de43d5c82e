// list_files: the files under a folder, as git sees them (ignored files such as node_modules left out).
import { lstat } from 'node:fs/promises';
import { gitText } from '../../workspace/git-exec.js';
import { resolveInside } from './path-guard.js';
import { refused, type ToolContext, type ToolOutcome } from './tool-context.js';

export async function listFiles(context: ToolContext, args: { path?: unknown }): Promise<ToolOutcome> {
  const guarded = await resolveInside(context.root, args.path ?? '.');
  if (!guarded.ok) return refused(guarded.error);
  if (!guarded.exists) return refused(`"${guarded.relative}" does not exist. Call list_files with path "." to see the repository.`);
  if ((await lstat(guarded.absolute)).isFile()) return { ok: true, result: guarded.relative };
  const out = await gitText(['ls-files', '--cached', '--others', '--exclude-standard', '-z', '--', guarded.relative], { cwd: context.root });
  const listed = [...new Set(out.split('\0').filter(Boolean))].sort();
  // The worktree's index still lists files deleted since the base; show only what exists now.
  const present: string[] = [];
  for (const path of listed) if (await lstat(`${context.root}/${path}`).then(() => true, () => false)) present.push(path);
  if (present.length === 0) return { ok: true, result: `"${guarded.relative}" has no files.` };
  const shown = present.slice(0, context.limits.maxListEntries);
  const more = present.length - shown.length;
  return { ok: true, result: shown.join('\n') + (more > 0 ? `\n... and ${more} more: list a subfolder to see them` : '') };
}

// search: text or a regular expression across the worktree's files, through `git grep`
// (tracked and new files; ignored ones such as node_modules are skipped).
import { gitExec } from '../../workspace/git-exec.js';
import { refused, type ToolContext, type ToolOutcome } from './tool-context.js';

const MAX_LINE = 200;

export async function search(context: ToolContext, args: { query?: unknown; regex?: unknown }): Promise<ToolOutcome> {
  if (typeof args.query !== 'string' || args.query === '') return refused('search needs a non-empty query.');
  const mode = args.regex === true ? '--extended-regexp' : '--fixed-strings';
  if (context.signal?.aborted) return refused('the task was stopped; the search did not run.');
  // A regular expression can backtrack for minutes on one short line: stop it at the limit or on cancel.
  const timeout = AbortSignal.timeout(context.limits.searchTimeoutMs);
  const found = await gitExec(
    ['grep', '--untracked', '--line-number', '-I', '--no-color', '--full-name', mode, '-e', args.query, '--', '.'],
    { cwd: context.root, signal: context.signal ? AbortSignal.any([context.signal, timeout]) : timeout },
  );
  if (context.signal?.aborted) return refused('the task was stopped; the search was cut short.');
  if (found.code === -1) {
    return refused(`search stopped after ${context.limits.searchTimeoutMs / 1000} s: the regular expression is too costly. Use a simpler one, or regex false for plain text.`);
  }
  if (found.code === 1) return { ok: true, result: `No matches for ${JSON.stringify(args.query)}.` };
  if (found.code !== 0) {
    const why = found.stderr.trim().split('\n')[0] ?? '';
    return refused(`search failed: ${why}${args.regex === true ? ' (is the regular expression valid? use regex false for plain text)' : ''}`);
  }
  const lines = found.stdout.toString('utf8').split('\n').filter(Boolean);
  const shown = lines.slice(0, context.limits.maxSearchMatches).map((line) => (line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line));
  const more = lines.length - shown.length;
  return { ok: true, result: shown.join('\n') + (more > 0 ? `\n... and ${more} more matches: narrow the query` : '') };
}

// Every worker tool, once: its arguments, what it does (the prompt's line and the export's
// description), whether it can change files, and how it runs. The grammar, the parser, the worker
// prompt, the export's tool definitions, the worker loop's list of changing tools and the executor's
// dispatch are all derived from this table; `satisfies` makes the compiler check that it has one
// entry per tool of the protocol's WorkerAction, each with the arguments that action declares.
import type { WorkerAction } from '../../protocol/types.js';
import { FIELD_LIMITS } from '../field-limits.js';
import { editFile } from './edit-file.js';
import { listFiles } from './list-files.js';
import { readFile } from './read-file.js';
import { runCommand } from './run-command.js';
import { search } from './search.js';
import { flagArg, lineArg, textArg, type Args, type ArgSpecs } from './tool-args.js';
import type { ToolContext, ToolOutcome } from './tool-context.js';
import { writeFile } from './write-file.js';

export type WorkerTool = WorkerAction['tool'];
export type WorkerArgs<T extends WorkerTool> = Extract<WorkerAction, { tool: T }>['args'];

/** What the user allows the `run` tool in the task's repository, asked for only when it runs. */
export interface CommandPolicy {
  allowlist(): readonly string[];
  network(): boolean;
}

export interface WorkerToolEntry<T extends WorkerTool> {
  /** What the tool does, one lower-case line: the worker's prompt and the export's description say it. */
  does: string;
  args: ArgSpecs<WorkerArgs<T>>;
  /** A check across arguments that the grammar cannot express: the error, or null. */
  check?: (args: WorkerArgs<T>) => string | null;
  /** It can change the worktree's files: only after these can the diff have moved. */
  writesFiles: boolean;
  /** Args arrive unchecked (a hand-made or damaged action is answered too), so tools check their own. */
  execute: (context: ToolContext, args: Args, commands: CommandPolicy) => Promise<ToolOutcome>;
}

const filePath = textArg('path', 'File path, relative to the worktree root.');

export const WORKER_TOOL_TABLE = {
  list_files: {
    does: 'list the files under a directory ("." is the root)',
    // An empty path is taken as the root too: it is what a model most often writes for it.
    args: { path: textArg('path', 'Directory, relative to the worktree root; "." for the root.', true) },
    writesFiles: false,
    execute: (context, args) => listFiles(context, args),
  },
  read_file: {
    does: 'read a file, or a range of its lines (null for the whole file)',
    args: {
      path: filePath,
      start_line: lineArg('First line to read (1-based); none for the start of the file.'),
      end_line: lineArg('Last line to read (inclusive); none for the end of the file.'),
    },
    check: ({ start_line: start, end_line: end }) =>
      start !== undefined && end !== undefined && end < start ? `end_line (${end}) is before start_line (${start}).` : null,
    writesFiles: false,
    execute: (context, args) => readFile(context, args),
  },
  search: {
    does: `search the repository's files for text (query up to ${FIELD_LIMITS.query} characters)`,
    args: { query: textArg('query', 'Text or regular expression to look for.'), regex: flagArg('Treat the query as a regular expression.') },
    writesFiles: false,
    execute: (context, args) => search(context, args),
  },
  write_file: {
    does: `create or overwrite a file (content up to ${FIELD_LIMITS.content} characters)`,
    args: { path: filePath, content: textArg('content', 'The complete new content of the file.', true) },
    writesFiles: true,
    execute: (context, args) => writeFile(context, args),
  },
  edit_file: {
    does: 'replace the one exact occurrence of search in the file',
    args: {
      path: filePath,
      search: textArg('searchText', 'The exact text to find.'),
      replace: textArg('searchText', 'The text to put in its place.', true),
    },
    writesFiles: true,
    execute: (context, args) => editFile(context, args),
  },
  run: {
    does: 'run an allowed command (for example the tests)',
    args: { command: textArg('command', 'The command line to run.') },
    // Commands can write anything in the worktree.
    writesFiles: true,
    execute: (context, args, commands) => runCommand(context, args, commands.allowlist(), commands.network()),
  },
  done: {
    does: 'the subtask is finished; summarize what you changed',
    args: { summary: textArg('summary', 'What was changed.', true) },
    writesFiles: false,
    execute: (_context, args) =>
      Promise.resolve({ ok: true, result: typeof args.summary === 'string' && args.summary.trim() ? args.summary : '(no summary)' }),
  },
} as const satisfies { [T in WorkerTool]: WorkerToolEntry<T> };

/** The worker's tools, in the table's order (the grammar offers them in this order). */
export const WORKER_TOOLS = Object.keys(WORKER_TOOL_TABLE) as WorkerTool[];

export function isWorkerTool(name: unknown): name is WorkerTool {
  return typeof name === 'string' && Object.hasOwn(WORKER_TOOL_TABLE, name);
}

/** The entry of a tool, typed loosely enough to use for any tool. */
export function workerToolEntry(tool: WorkerTool): WorkerToolEntry<WorkerTool> {
  return WORKER_TOOL_TABLE[tool] as unknown as WorkerToolEntry<WorkerTool>;
}

/** The prompt's line for a tool: its name, its argument names, what it does. */
export function workerToolPromptLine(tool: WorkerTool): string {
  const entry = workerToolEntry(tool);
  return `- ${tool} {${Object.keys(entry.args).join(', ')}}: ${entry.does}.`;
}

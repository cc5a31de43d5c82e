// The tools each role may call, as JSON-schema function definitions that the exported datasets
// carry in their `tools` field. Args mirror `OrchestratorAction` / `WorkerAction` / `CriticAction` in protocol/types.ts.
// Kept in one place so the agents' own action schemas can later be pointed here (or this at them).
import type { Role } from '../../protocol/types.js';

export interface ToolDefinition {
  name: string;
  description: string;
  parameters: {
    type: 'object';
    properties: Record<string, Record<string, unknown>>;
    required: string[];
    additionalProperties: false;
  };
}

function tool(name: string, description: string, properties: ToolDefinition['parameters']['properties'], required: string[]): ToolDefinition {
  return { name, description, parameters: { type: 'object', properties, required, additionalProperties: false } };
}

const str = (description: string) => ({ type: 'string', description });

const orchestratorTools: readonly ToolDefinition[] = [
  tool('delegate', 'Give the worker one subtask: what to change and the files it concerns.', {
    instruction: str('What the worker should do, precisely enough to act on.'),
    files: { type: 'array', items: { type: 'string' }, description: 'Repository-relative paths the subtask concerns.' },
  }, ['instruction', 'files']),
  tool('accept', "Accept the worker's diff for the current subtask.", {}, []),
  tool('revise', 'Send the current subtask back to the worker with feedback.', {
    feedback: str('What is wrong with the diff and what to change.'),
  }, ['feedback']),
  tool('finish', 'End the task: the accepted changes are ready for human review.', {
    summary: str('What was changed and why.'),
  }, ['summary']),
  tool('give_up', 'Stop the task because it cannot be completed.', {
    reason: str('Why the task cannot be completed.'),
  }, ['reason']),
];

const workerTools: readonly ToolDefinition[] = [
  tool('list_files', 'List the files under a directory of the worktree.', {
    path: str('Directory, relative to the repository root; "." for the root.'),
  }, ['path']),
  tool('read_file', 'Read a file, optionally only a range of lines.', {
    path: str('File path, relative to the repository root.'),
    start_line: { type: 'integer', minimum: 1, description: 'First line to read (1-based).' },
    end_line: { type: 'integer', minimum: 1, description: 'Last line to read (inclusive).' },
  }, ['path']),
  tool('search', 'Search the worktree for text.', {
    query: str('Text or regular expression to look for.'),
    regex: { type: 'boolean', description: 'Treat the query as a regular expression.' },
  }, ['query', 'regex']),
  tool('write_file', 'Create or overwrite a file with the given content.', {
    path: str('File path, relative to the repository root.'),
    content: str('The complete new content of the file.'),
  }, ['path', 'content']),
  tool('edit_file', 'Replace one exact occurrence of text in a file.', {
    path: str('File path, relative to the repository root.'),
    search: str('The exact text to find.'),
    replace: str('The text to put in its place.'),
  }, ['path', 'search', 'replace']),
  tool('run', 'Run an allowed command (tests, build, linter) in the worktree.', {
    command: str('The command line to run.'),
  }, ['command']),
  tool('done', 'Finish the subtask.', {
    summary: str('What was changed.'),
  }, ['summary']),
];

const criticTools: readonly ToolDefinition[] = [
  tool('verdict', "Judge the worker's result: a score and a pass/fail per criterion, with why.", {
    score: { type: 'integer', enum: [1, 2, 3, 4, 5], description: '1 (wrong or harmful) to 5 (exactly what was asked).' },
    does_what_was_asked: { type: 'boolean', description: 'The diff does what the subtask asked.' },
    tests_pass: { type: 'string', enum: ['pass', 'fail', 'not_run'], description: 'What the tests the worker ran say.' },
    no_unrelated_changes: { type: 'boolean', description: 'The diff changes nothing the subtask did not ask for.' },
    rationale: str('Why, naming what is wrong when something is.'),
  }, ['score', 'does_what_was_asked', 'tests_pass', 'no_unrelated_changes', 'rationale']),
];

const TOOLS_OF: Record<Role, readonly ToolDefinition[]> = { orchestrator: orchestratorTools, worker: workerTools, critic: criticTools };

export function toolDefinitions(role: Role): readonly ToolDefinition[] {
  return TOOLS_OF[role];
}

export function isRoleTool(role: Role, name: string): boolean {
  return toolDefinitions(role).some((t) => t.name === name);
}

// The tasks the browser and VS Code tests start, and the action script (TANDEM_ACTION_SCRIPT) their
// daemon runs with: for each of these prompts the agents' actions are the script's, evaluated by the
// real fixture model, so each task reaches review on its first try with a diff the test knows. A task
// with any other prompt is left to the model. The daemon gives a fixture model short action fields
// (services/agent-settings.ts: an instruction of 48 characters, a file of 64, a path of 12...): every
// scripted action fits them, which test/unit/e2e/scripted-tasks.test.ts checks.
import { reviewScript, textPattern, writeActionScript, type ScriptedChange, type ScriptRule } from '../../support/review-script.js';

/** Fits the test repo (test-repo.ts): greet() says "Hi" instead of "Hello". */
export const GREET_HI = {
  prompt: 'Make greet() say "Hi" instead of "Hello".',
  instruction: 'Make greet() in greet.js say "Hi".',
  path: 'greet.js',
  content: 'export function greet(name) {\n  return "Hi " + name;\n}\n',
} satisfies ScriptedChange;

/** Adds a file beside greet.js, for a test that runs after GREET_HI was approved and committed. */
export const ADD_FAREWELL = {
  prompt: 'Add a farewell() beside greet().',
  instruction: 'Add farewell.js with farewell(name).',
  path: 'farewell.js',
  content: 'export function farewell(name) {\n  return "Bye " + name;\n}\n',
} satisfies ScriptedChange;

/**
 * A rejection whose reason contains `reason` makes the next round's orchestrator delegate documenting
 * farewell() in README.md: it can only do so if the reason reached its opening message.
 */
export const DOCUMENT_FAREWELL = {
  reason: 'farewell() must be documented in README.md',
  instruction: 'Document farewell() in README.md.',
  path: 'README.md',
  content: '# Greeter\n\nSays hello, and farewell() says bye.\n',
};

/**
 * A task that keeps running until it is cancelled: its worker's first action runs `command` (allowed
 * for the repository by the test that starts it), which outlasts any test unless the task is cancelled.
 * The run tool's own time limit (120 s) would end it, so a cancel that did not work still fails the test.
 */
export const RUNS_UNTIL_CANCELLED = {
  prompt: 'Run the long check (cancelled while it runs)',
  command: 'sleep 600',
};

export function testDaemonScript(): { rules: ScriptRule[] } {
  const longRun = textPattern(RUNS_UNTIL_CANCELLED.prompt);
  return reviewScript([GREET_HI, ADD_FAREWELL], [
    // Before the changes: a round-two opening quotes the task's prompt too.
    { role: 'orchestrator', when: textPattern(DOCUMENT_FAREWELL.reason), action: { tool: 'delegate', args: { instruction: DOCUMENT_FAREWELL.instruction, files: [DOCUMENT_FAREWELL.path] } } },
    { role: 'worker', when: textPattern(DOCUMENT_FAREWELL.instruction), action: { tool: 'write_file', args: { path: DOCUMENT_FAREWELL.path, content: DOCUMENT_FAREWELL.content } } },
    { role: 'orchestrator', when: longRun, action: { tool: 'delegate', args: { instruction: 'Run the long check.', files: [] } } },
    { role: 'worker', when: longRun, action: { tool: 'run', args: { command: RUNS_UNTIL_CANCELLED.command } } },
  ]);
}

/** Writes the script to `path` and returns it, for TANDEM_ACTION_SCRIPT. */
export function writeTestDaemonScript(path: string): string {
  return writeActionScript(path, testDaemonScript());
}

// An action script (TANDEM_ACTION_SCRIPT) that takes every task to review with a change the test chose:
// the orchestrator delegates, the worker writes one file and is done, the orchestrator accepts and
// finishes. The real model evaluates each action (daemon, runtime, KV cache, store and git all real);
// only the choice of tokens is the test's, so no test waits on what a random model happens to sample.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Each value must fit the daemon's field limits: the fixture model's are short (services/agent-settings.ts: 48-character instruction, 12-character path, 64-character content). */
export interface ScriptedChange {
  /** What the orchestrator delegates. */
  instruction: string;
  /** The file the worker writes (relative to the repository), and its whole new content. */
  path: string;
  content: string;
}

export function reviewScript(change: ScriptedChange): { rules: object[] } {
  return {
    rules: [
      { role: 'orchestrator', when: '^delegate → ok', action: { tool: 'accept', args: {} } },
      { role: 'orchestrator', when: '^accept → ok', action: { tool: 'finish', args: { summary: `Changed ${change.path}.` } } },
      { role: 'orchestrator', action: { tool: 'delegate', args: { instruction: change.instruction, files: [change.path] } } },
      { role: 'worker', when: '^write_file → ok', action: { tool: 'done', args: { summary: `Wrote ${change.path}.` } } },
      { role: 'worker', action: { tool: 'write_file', args: { path: change.path, content: change.content } } },
    ],
  };
}

/** Writes the script into `dir` and returns its path, for TANDEM_ACTION_SCRIPT. */
export function writeReviewScript(dir: string, change: ScriptedChange): string {
  const path = join(dir, 'review-script.json');
  writeFileSync(path, JSON.stringify(reviewScript(change), null, 2));
  return path;
}

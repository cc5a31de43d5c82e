// An action script (TANDEM_ACTION_SCRIPT) that takes tasks to review with changes the test chose:
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
  /**
   * Only tasks whose prompt starts with a match of this regular expression get this change; the others'
   * first steps are the model's own. Absent: every task.
   */
  prompt?: string;
}

export function reviewScript(...changes: ScriptedChange[]): { rules: object[] } {
  const rules: object[] = [
    { role: 'orchestrator', when: '^delegate → ok', action: { tool: 'accept', args: {} } },
    { role: 'orchestrator', when: '^accept → ok', action: { tool: 'finish', args: { summary: 'Made the change.' } } },
    { role: 'worker', when: '^write_file → ok', action: { tool: 'done', args: { summary: 'Wrote the file.' } } },
  ];
  for (const change of changes) {
    const scoped = change.prompt !== undefined;
    rules.push(
      { role: 'orchestrator', ...(scoped ? { when: `^Task: (?:${change.prompt})` } : {}), action: { tool: 'delegate', args: { instruction: change.instruction, files: [change.path] } } },
      // A scoped change's worker is told by its instruction, so a random delegation is left to the model.
      { role: 'worker', ...(scoped ? { when: escapeRegExp(change.instruction) } : {}), action: { tool: 'write_file', args: { path: change.path, content: change.content } } },
    );
  }
  return { rules };
}

/** Writes the script into `dir` and returns its path, for TANDEM_ACTION_SCRIPT. */
export function writeReviewScript(dir: string, ...changes: ScriptedChange[]): string {
  const path = join(dir, 'review-script.json');
  writeFileSync(path, JSON.stringify(reviewScript(...changes), null, 2));
  return path;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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
  /**
   * Only tasks whose prompt contains this text make this change, so one daemon can take several
   * tasks to review with different changes; without it, every task makes it.
   */
  prompt?: string;
}

/** One rule of an action script, as the file holds it (daemon/src/runtime/action-script.ts). */
export interface ScriptRule {
  role: 'orchestrator' | 'worker' | 'critic';
  when?: string;
  action: { tool: string; args: Record<string, unknown> };
}

/** `ownRules`: the caller's own rules, tried after the follow-ups and before the changes. */
export function reviewScript(changes: ScriptedChange | readonly ScriptedChange[], ownRules: readonly ScriptRule[] = []): { rules: ScriptRule[] } {
  const list = Array.isArray(changes) ? changes : [changes as ScriptedChange];
  // The follow-ups answer a tool's result, the same for every change; they come first, since the
  // results quote the task (a diff, a summary) and would match a change's prompt too.
  const followUps: ScriptRule[] = [
    { role: 'orchestrator', when: '^delegate → ok', action: { tool: 'accept', args: {} } },
    { role: 'orchestrator', when: '^accept → ok', action: { tool: 'finish', args: { summary: 'Made the change.' } } },
    { role: 'worker', when: '^write_file → ok', action: { tool: 'done', args: { summary: 'Wrote the file.' } } },
  ];
  // The orchestrator's opening and the worker's brief both quote the task's prompt. A change meant
  // for every task goes last, so the ones for a given prompt are found before it.
  const keyed = [...list].sort((a, b) => Number(a.prompt === undefined) - Number(b.prompt === undefined));
  return { rules: [...followUps, ...ownRules, ...keyed.flatMap(changeRules)] };
}

/** The orchestrator's delegation and the worker's write for one change. */
function changeRules(change: ScriptedChange): ScriptRule[] {
  const when = change.prompt === undefined ? {} : { when: textPattern(change.prompt) };
  return [
    { role: 'orchestrator', ...when, action: { tool: 'delegate', args: { instruction: change.instruction, files: [change.path] } } },
    { role: 'worker', ...when, action: { tool: 'write_file', args: { path: change.path, content: change.content } } },
  ];
}

/** A rule's `when` that matches this text literally. */
export function textPattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Writes the script into `dir` and returns its path, for TANDEM_ACTION_SCRIPT. */
export function writeReviewScript(dir: string, changes: ScriptedChange | readonly ScriptedChange[]): string {
  return writeActionScript(join(dir, 'review-script.json'), reviewScript(changes));
}

/** Writes any action script to `path` and returns it, for TANDEM_ACTION_SCRIPT. */
export function writeActionScript(path: string, script: { rules: ScriptRule[] }): string {
  writeFileSync(path, JSON.stringify(script, null, 2));
  return path;
}

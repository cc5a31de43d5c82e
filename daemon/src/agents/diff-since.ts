// What the orchestrator reads of the round's diff after each subtask: the files this subtask changed in
// full; the others (already shown, unchanged since) only in the head line that lists every file. Showing
// the whole round's diff after every subtask repeated every earlier file into each report: the history
// grew by the sum of all diffs so far at each step, pushed compaction sooner, and cost that many new
// prompt tokens.
import type { TaskDiff } from '../protocol/types.js';
import { splitFileSections } from '../workspace/unified-diff.js';
import { cutToTokens, type TokenLimit } from './token-cut.js';
import { diffHead, diffMessage } from './transcript.js';

export class DiffSince {
  /** Each file's part of the diff as last shown, by its "diff --git" line. */
  private readonly shown = new Map<string, string>();

  message(diff: TaskDiff, limit: TokenLimit): string {
    const sections = splitFileSections(diff.unified).map((section) => ({ key: section.text.split('\n', 1)[0]!, text: section.text }));
    const changed = sections.filter((section) => this.shown.get(section.key) !== section.text);
    this.shown.clear();
    for (const section of sections) this.shown.set(section.key, section.text);
    if (changed.length === sections.length) return diffMessage(diff, limit);
    const head = diffHead(diff);
    if (changed.length === 0) return `${head}\nNothing changed since the last report.`;
    const names = changed.map((section) => pathOf(section.key)).join(', ');
    return `${head}\nChanged since the last report (the other files as shown before): ${names}\n${cutToTokens(changed.map((section) => section.text).join(''), limit)}`;
  }
}

/** The new path in `diff --git a/OLD b/NEW` (git quotes unusual paths; shown as written). */
function pathOf(header: string): string {
  const at = header.lastIndexOf(' b/');
  return at < 0 ? header : header.slice(at + 3);
}

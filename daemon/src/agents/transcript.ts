// The words the roles see: how a task, a subtask, a tool result and a diff are written into messages.
// Kept in one place beside the prompts, since changing them changes what the models learn from.
// Long tool results, files and diffs keep their head and tail, cut by the model's own tokens (token-cut.ts):
// the middle is what a reader can best do without.
import type { CriticVerdict, StopReason, TaskDiff, ToolCallRecord } from '../protocol/types.js';
import { cutToTokens, type TokenLimit } from './token-cut.js';

export function toolResultMessage(call: ToolCallRecord, shown: TokenLimit): string {
  const status = call.ok ? 'ok' : 'error';
  return `${call.tool} → ${status}\n${cutToTokens(call.result, shown)}`;
}

export function diffMessage(diff: TaskDiff, shown: TokenLimit): string {
  if (diff.files.length === 0) return 'Diff: no changes in the worktree.';
  return `${diffHead(diff)}\n${cutToTokens(diff.unified, shown)}`;
}

/** The line above a diff: how many files, lines added and removed, and each file with its status. */
export function diffHead(diff: TaskDiff): string {
  const added = diff.files.reduce((n, f) => n + f.additions, 0);
  const removed = diff.files.reduce((n, f) => n + f.deletions, 0);
  const files = diff.files.map((f) => `${f.status} ${f.path}`).join(', ');
  return `Diff (${diff.files.length} files, +${added} -${removed}: ${files}):`;
}

export function orchestratorOpening(prompt: string, rejection: { feedback: string; round: number } | null, diff: TaskDiff | null, shown: TokenLimit): string {
  const parts = [`Task: ${prompt}`];
  if (rejection) {
    parts.push(
      `This is round ${rejection.round}. The human rejected the previous attempt because: ${rejection.feedback}`,
      'The worktree still holds the previous attempt. Change it so that the reason no longer applies.',
    );
    if (diff) parts.push(diffMessage(diff, shown));
  }
  return parts.join('\n\n');
}

export function workerBrief(task: string, instruction: string, files: { path: string; text: string }[]): string {
  const parts = [`Task of the whole team: ${task}`, `Your subtask: ${instruction}`];
  for (const file of files) parts.push(`File ${file.path}:\n${file.text}`);
  return parts.join('\n\n');
}

export function reviseMessage(feedback: string): string {
  return `The orchestrator reviewed your diff and asks for changes: ${feedback}`;
}

export type WorkerReport =
  | { kind: 'done'; summary: string }
  | { kind: 'stopped'; reason: StopReason; detail: string };

/** `diff`: the round's diff as diffMessage or DiffSince writes it. */
export function workerReportMessage(report: WorkerReport, diff: string): string {
  const head = report.kind === 'done'
    ? `The worker finished the subtask.\nSummary: ${report.summary || '(none)'}`
    : `The worker was stopped (${report.reason}): ${report.detail}.\nIts changes so far stay in the worktree. The subtask is closed; delegate a new one to continue, or finish or give up.`;
  return `${head}\n\n${diff}`;
}

/** What the critic is shown: the subtask, what the worker says it did, the commands it ran, and the diff. */
export function criticBrief(task: string, instruction: string, summary: string, runs: ToolCallRecord[], diff: TaskDiff, shown: TokenLimit): string {
  const commands = runs.length === 0
    ? 'Commands run: none.'
    : `Commands run:\n${runs.map((call) => toolResultMessage(call, { ...shown, maxTokens: Math.floor(shown.maxTokens / 4) })).join('\n')}`;
  return [`Task of the whole team: ${task}`, `Subtask: ${instruction}`, `Worker's summary: ${summary || '(none)'}`, commands, diffMessage(diff, shown)].join('\n\n');
}

/** The critic's verdict as the orchestrator reads it, below the worker's report. */
export function critiqueMessage(verdict: CriticVerdict, passes: boolean): string {
  const yes = (value: boolean) => (value ? 'yes' : 'no');
  return [
    `The critic's verdict: ${verdict.score}/5, ${passes ? 'passes' : 'fails'}.`,
    `Does what was asked: ${yes(verdict.does_what_was_asked)}. Tests: ${verdict.tests_pass.replace('_', ' ')}. No unrelated changes: ${yes(verdict.no_unrelated_changes)}.`,
    `Rationale: ${verdict.rationale || '(none)'}`,
  ].join('\n');
}

/** The attempts not kept, one line each, below the kept one's report. */
export function otherAttemptsMessage(kept: number, others: { attempt: number; outcome: { kind: 'done' } | { kind: 'stopped'; stop: { reason: StopReason } }; critique: { verdict: CriticVerdict; passes: boolean } | null }[]): string {
  if (others.length === 0) return '';
  const lines = others.map((a) => {
    const how = a.outcome.kind === 'done' ? 'finished' : `stopped (${a.outcome.stop.reason})`;
    const judged = a.critique ? `, critic ${a.critique.verdict.score}/5 ${a.critique.passes ? 'passes' : 'fails'}: ${a.critique.verdict.rationale}` : '';
    return `- attempt ${a.attempt}: ${how}${judged}`;
  });
  return [`The worker made ${others.length + 1} attempts; attempt ${kept} is kept (above). The others were discarded:`, ...lines].join('\n');
}

// How a task reads on a terminal and in --json: one line per step, the diff as files with +/-, and
// what to do next. Pure functions of the protocol's records, shared by run, review, task and demo.
import { ROLES, type AdapterRef, type AgentAction, type DiffFile, type Role, type StepRecord, type TaskDetail, type TaskState } from '../protocol/types.js';

/** A round ended well when it has a diff to review, or finished with nothing to change. */
export const GOOD_ENDS: ReadonlySet<TaskState> = new Set(['review', 'finished']);

export interface RoundReport {
  taskId: string;
  state: TaskState;
  round: number;
  stopReason: string | null;
  /** Why it failed, when the daemon that ran it says (a full disk, say). */
  failureReason: string | null;
  repoPath: string;
  worktreePath: string | null;
  /** The steps of this round per role, with the adapter versions they ran on. */
  steps: Record<Role, { count: number; adapterVersions: (number | null)[] }>;
  diff: { files: Pick<DiffFile, 'path' | 'status' | 'additions' | 'deletions'>[]; additions: number; deletions: number } | null;
  next: string[];
}

export function roundReport(task: TaskDetail): RoundReport {
  const steps = task.steps.filter((step) => step.round === task.round);
  const byRole = (role: Role) => {
    const mine = steps.filter((step) => step.role === role);
    return { count: mine.length, adapterVersions: [...new Set(mine.map((step) => step.adapter.version))] };
  };
  const diff = task.diff && task.diff.round === task.round && task.diff.files.length > 0 ? task.diff : null;
  return {
    taskId: task.id, state: task.state, round: task.round, stopReason: task.stopReason, failureReason: task.failureReason ?? null, repoPath: task.repoPath, worktreePath: task.worktreePath,
    steps: { orchestrator: byRole('orchestrator'), worker: byRole('worker'), critic: byRole('critic') },
    diff: diff && {
      files: diff.files.map(({ path, status, additions, deletions }) => ({ path, status, additions, deletions })),
      additions: sum(diff.files.map((f) => f.additions)),
      deletions: sum(diff.files.map((f) => f.deletions)),
    },
    next: nextSteps(task.id, task.state),
  };
}

export function formatRoundReport(report: RoundReport): string {
  const stop = report.stopReason ? `, stopped: ${report.stopReason}` : '';
  const lines = [`Task ${report.taskId} ${stateWords(report.state)} (round ${report.round}${stop}).`];
  if (report.failureReason) lines.push(`  why: ${printable(report.failureReason)}`);
  // The critic shows only where it ran: it is off by default.
  const roles = ROLES.filter((role) => role !== 'critic' || report.steps.critic.count > 0).map((role) =>
    `${role} ${report.steps[role].adapterVersions.map(adapterLabel).join('/') || '-'} × ${report.steps[role].count} step(s)`);
  lines.push(`  steps: ${roles.join(', ')}`);
  if (report.diff) {
    lines.push(`  diff: ${report.diff.files.length} file(s), +${report.diff.additions} -${report.diff.deletions}`);
    lines.push(...diffLines(report.diff.files).map((line) => `    ${line}`));
    if (report.worktreePath) lines.push(`  worktree: ${report.worktreePath} (the change lives here until approved)`);
  } else {
    lines.push('  no changes to review');
  }
  if (report.next.length) lines.push('Next:', ...report.next.map((line) => `  ${line}`));
  return lines.join('\n');
}

export function diffLines(files: Pick<DiffFile, 'path' | 'status' | 'additions' | 'deletions'>[]): string[] {
  const width = Math.max(...files.map((f) => printable(f.path).length));
  return files.map((f) => `${f.status[0]!.toUpperCase()} ${printable(f.path).padEnd(width)}  +${f.additions} -${f.deletions}`);
}

/** Conflicts name paths the model chose, and git's words about them: escaped like every other path. */
export function conflictLines(conflicts: readonly { path: string; message: string }[]): string[] {
  return conflicts.map((conflict) => `CONFLICT ${printable(conflict.path)}: ${printable(conflict.message)}`);
}

/** Paths come from the model: control characters in them are shown escaped, never sent to the terminal. */
export function printable(text: string): string {
  return /[\u0000-\u001f\u007f-\u009f]/.test(text) ? JSON.stringify(text) : text;
}

export function nextSteps(taskId: string, state: TaskState): string[] {
  if (state === 'review') {
    return [
      `tandem review ${taskId} --approve             apply every file to your repository`,
      `tandem review ${taskId} --approve FILE...     apply only these files`,
      `tandem review ${taskId} --reject "why"        send it back for another round (--no-retry: just reject)`,
    ];
  }
  if (state === 'running' || state === 'queued') return [`tandem task ${taskId}        see its steps so far`];
  return [`tandem task ${taskId}        see what each step did`];
}

/** One line for a step: its round, role, adapter version, action and how it stopped. */
export function stepLine(step: StepRecord): string {
  return `r${step.round} ${step.role.padEnd(12)} ${adapterLabel(step.adapter.version).padEnd(4)} ${describeAction(step.action, step.stopReason)}`;
}

export function adapterLabel(version: AdapterRef['version']): string {
  return version === null ? 'base' : `v${version}`;
}

export function describeAction(action: AgentAction | null, stopReason: string): string {
  if (!action) return `(no valid action: ${stopReason})`;
  const a = action.args as Record<string, unknown>;
  switch (action.tool) {
    case 'delegate': return `delegate ${quote(a.instruction)}${Array.isArray(a.files) && a.files.length ? ` on ${a.files.map(quote).join(', ')}` : ''}`;
    case 'revise': return `revise ${quote(a.feedback)}`;
    case 'finish': return `finish ${quote(a.summary)}`;
    case 'give_up': return `give up ${quote(a.reason)}`;
    case 'done': return `done ${quote(a.summary)}`;
    case 'search': return `search ${quote(a.query)}`;
    case 'run': return `run ${quote(a.command)}`;
    case 'accept': return 'accept';
    case 'verdict': return `verdict ${a.score}/5 ${quote(a.rationale)}`;
    default: return `${action.tool} ${quote(a.path)}`;
  }
}

function stateWords(state: TaskState): string {
  const words: Partial<Record<TaskState, string>> = {
    review: 'is ready for review', finished: 'finished with no changes', failed: 'stopped without a change to review',
    cancelled: 'was cancelled', interrupted: 'was interrupted', applied: 'was applied', rejected: 'was rejected',
  };
  return words[state] ?? `is ${state}`;
}

/** Model output is shown quoted and short; JSON quoting escapes whatever control characters it holds. */
function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 39)}…` : text);
}

const sum = (values: number[]) => values.reduce((total, n) => total + n, 0);

// Headless tasks: `tandem run` starts one and follows it to its review point, `tandem tasks` lists them,
// `tandem task ID` shows one step by step. Through the daemon when one runs, in-process otherwise.
import { resolve } from 'node:path';
import { TaskCancel, TaskGet, TaskList, TaskStart } from '../protocol/messages.js';
import type { TaskDetailWithRounds } from '../protocol/task-rounds.js';
import type { TaskDetail, TaskSummary } from '../protocol/types.js';
import { attemptsProblem } from '../services/agent-options.js';
import type { CliCommand } from './command.js';
import { printFailure, printRefusal, printResult } from './command-output.js';
import { withTandemClient, type TandemClient } from './tandem-client.js';
import { DaemonGoneError, followRound, liveView } from './task-follow.js';
import { diffLines, formatRoundReport, GOOD_ENDS, nextSteps, printable, roundReport, stepLine } from './task-report.js';

/** Follows a round to its end and prints its report; exit 0 when it reached review or finished. */
export async function reportRound(client: TandemClient, json: boolean, follow: (client: TandemClient) => Promise<TaskDetail>): Promise<number> {
  let task: TaskDetail;
  try {
    task = await follow(client);
  } catch (error) {
    if (error instanceof DaemonGoneError) return printFailure(json, error.message);
    return printRefusal(json, error);
  }
  printResult(json, roundReport(task), formatRoundReport);
  return GOOD_ENDS.has(task.state) ? 0 : 1;
}

/** Runs until the round ends; Ctrl-C cancels the task (its current step is still recorded). */
async function runTask(client: TandemClient, start: { repoPath: string; prompt: string; critic?: boolean; attempts?: number }, json: boolean): Promise<number> {
  const { repoPath } = start;
  let taskId: string | null = null;
  const cancel = () => { if (taskId) void client.request(TaskCancel, { taskId }).catch(() => undefined); };
  process.once('SIGINT', cancel);
  if (process.stderr.isTTY && client.mode === 'in-process') {
    process.stderr.write('No daemon is running: the model loads in this process (`tandem daemon` keeps it loaded between tasks).\n');
  }
  try {
    return await reportRound(client, json, (c) => followRound(c, null, async () => {
      taskId = (await c.request(TaskStart, start)).id;
      if (process.stderr.isTTY) process.stderr.write(`task ${taskId} on ${repoPath}\n`);
      return { taskId, round: 1 };
    }, liveView()));
  } finally {
    process.off('SIGINT', cancel);
  }
}

const run: CliCommand = {
  name: 'run',
  usage: 'run --repo PATH "task" [--critic] [--attempts N] [--json]',
  summary: 'Run a task on a repository up to its review point and summarize the diff',
  options: { repo: { type: 'string' }, critic: { type: 'boolean' }, attempts: { type: 'string' } },
  async run({ values, positionals }) {
    const json = values.json === true;
    if (typeof values.repo !== 'string') return printFailure(json, 'give the repository with --repo PATH', 2);
    const prompt = positionals.join(' ').trim();
    if (!prompt) return printFailure(json, 'say what to do, e.g. tandem run --repo . "fix the failing test in src/math.test.js"', 2);
    const attempts = typeof values.attempts === 'string' ? Number(values.attempts) : undefined;
    if (attempts !== undefined && attemptsProblem(attempts)) return printFailure(json, `--attempts: ${attemptsProblem(attempts)}`, 2);
    // Unset switches leave the daemon's settings (TANDEM_CRITIC, TANDEM_ATTEMPTS, VS Code's) in force.
    const start = {
      repoPath: resolve(values.repo as string), prompt,
      ...(values.critic === true && { critic: true }), ...(attempts !== undefined && { attempts }),
    };
    return withTandemClient((client) => runTask(client, start, json));
  },
};

const tasks: CliCommand = {
  name: 'tasks',
  usage: 'tasks [--repo PATH] [--limit N] [--json]',
  summary: 'List tasks, newest first',
  options: { repo: { type: 'string' }, limit: { type: 'string' } },
  async run({ values }) {
    const json = values.json === true;
    const limit = values.limit === undefined ? 50 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) return printFailure(json, `--limit must be a positive whole number, not ${String(values.limit)}`, 2);
    return withTandemClient(async (client) => {
      const list = await client.request(TaskList, { limit, ...(typeof values.repo === 'string' ? { repoPath: resolve(values.repo) } : {}) });
      printResult(json, list, formatTaskList);
      return 0;
    });
  },
};

const task: CliCommand = {
  name: 'task',
  usage: 'task TASK [--json]',
  summary: "Show a task's rounds and every step: role, adapter version, action",
  async run({ values, positionals }) {
    const json = values.json === true;
    if (positionals.length !== 1) return printFailure(json, 'give one task id (see tandem tasks)', 2);
    return withTandemClient(async (client) => {
      try {
        printResult(json, await client.request(TaskGet, { taskId: positionals[0]! }), formatTimeline);
        return 0;
      } catch (error) {
        return printRefusal(json, error);
      }
    });
  },
};

function formatTaskList(list: TaskSummary[]): string {
  if (!list.length) return 'No tasks yet; start one with tandem run --repo PATH "task".';
  return list.map((t) => `${t.id}  ${t.state.padEnd(11)} r${t.round}  ${(t.stopReason ?? '').padEnd(12)} ${t.updatedAt}  ${t.repoPath}  ${JSON.stringify(t.prompt.slice(0, 50))}`).join('\n');
}

function formatTimeline(task: TaskDetailWithRounds): string {
  const lines = [`Task ${task.id}: ${task.state}${task.stopReason ? ` (${task.stopReason})` : ''}, round ${task.round}`, `  repo: ${task.repoPath}`, `  prompt: ${JSON.stringify(task.prompt)}`];
  if (task.failureReason) lines.push(`  why it failed: ${printable(task.failureReason)}`);
  for (let round = 1; round <= task.round; round++) {
    const feedback = task.rounds?.find((r) => r.round === round)?.feedback;
    lines.push(`Round ${round}${feedback ? ` (feedback: ${JSON.stringify(feedback)})` : ''}`);
    lines.push(...task.steps.filter((step) => step.round === round).map((step) => `  ${stepLine(step)}`));
  }
  if (task.diff?.files.length) lines.push(`Diff of round ${task.diff.round}:`, ...diffLines(task.diff.files).map((line) => `  ${line}`));
  if (task.state === 'review') lines.push('Next:', ...nextSteps(task.id, task.state).map((line) => `  ${line}`));
  return lines.join('\n');
}

export const taskCommands: CliCommand[] = [run, tasks, task];

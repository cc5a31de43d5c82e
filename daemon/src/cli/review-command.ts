// `tandem review TASK --approve [FILES…] [--commit]` applies whole files to the user's repository;
// `tandem review TASK --reject "reason" [FILES…] [--no-retry]` records why and, by default, starts the
// next round with the reason as feedback, following it like `tandem run`.
import { ReviewApprove, ReviewReject, TaskGet } from '../protocol/messages.js';
import type { ApplyResult, TaskDetail } from '../protocol/types.js';
import type { CliCommand } from './command.js';
import { printFailure, printRefusal, printResult } from './command-output.js';
import { withTandemClient, type TandemClient } from './tandem-client.js';
import { followRound, liveView } from './task-follow.js';
import { reportRound } from './task-commands.js';
import { conflictLines, diffLines } from './task-report.js';

const usage = 'review TASK (--approve [FILES...] [--commit] | --reject "reason" [FILES...] [--no-retry]) [--json]';

async function approve(client: TandemClient, taskId: string, files: string[], commit: boolean, json: boolean): Promise<number> {
  let task: TaskDetail;
  let result: ApplyResult;
  try {
    task = await client.request(TaskGet, { taskId });
    const paths = files.length ? files : (task.diff?.files ?? []).map((file) => file.path);
    result = await client.request(ReviewApprove, { taskId, files: paths.map((path) => ({ path, verdict: 'approve' as const })), commit });
  } catch (error) {
    return printRefusal(json, error);
  }
  const after = await client.request(TaskGet, { taskId });
  printResult(json, { ...result, repoPath: task.repoPath, state: after.state }, () => {
    const applied = (task.diff?.files ?? []).filter((file) => result.applied.includes(file.path));
    const lines = applied.length ? [`Applied to ${task.repoPath}:`, ...diffLines(applied).map((line) => `  ${line}`)] : ['Nothing was applied.'];
    if (result.commit) lines.push(`Committed as ${result.commit.slice(0, 12)}.`);
    lines.push(...conflictLines(result.conflicts));
    if (result.conflicts.length) lines.push('Your copies of the conflicting files are untouched; resolve them, then approve those files again.');
    lines.push(after.state === 'review' ? `Task ${taskId} still has files waiting for a verdict.` : `Task ${taskId} is ${after.state}.`);
    return lines.join('\n');
  });
  return result.conflicts.length ? 1 : 0;
}

async function reject(client: TandemClient, taskId: string, reason: string, files: string[], retry: boolean, json: boolean): Promise<number> {
  const request = { taskId, reason, retry, ...(files.length ? { files } : {}) };
  if (!retry) {
    try {
      const task = await client.request(ReviewReject, request);
      printResult(json, task, () => `Rejected task ${taskId} (${task.state}); the reason is recorded for training.`);
      return 0;
    } catch (error) {
      return printRefusal(json, error);
    }
  }
  return reportRound(client, json, (c) => followRound(c, taskId, async () => {
    const round = (await c.request(TaskGet, { taskId })).round + 1;
    await c.request(ReviewReject, request);
    if (process.stderr.isTTY) process.stderr.write(`Rejected; task ${taskId} starts round ${round} with your reason as feedback.\n`);
    return { taskId, round };
  }, liveView()));
}

export const reviewCommand: CliCommand = {
  name: 'review',
  usage,
  summary: "Approve a task's files into your repository, or reject them with a reason (and start another round)",
  options: { approve: { type: 'boolean' }, reject: { type: 'string' }, commit: { type: 'boolean' }, 'no-retry': { type: 'boolean' } },
  async run({ values, positionals }) {
    const json = values.json === true;
    const [taskId, ...files] = positionals;
    if (!taskId) return printFailure(json, `give the task id (see tandem tasks)\nUsage: tandem ${usage}`, 2);
    if ((values.approve === true) === (typeof values.reject === 'string')) return printFailure(json, `give either --approve or --reject "reason"\nUsage: tandem ${usage}`, 2);
    if (typeof values.reject === 'string' && values.reject.trim() === '') return printFailure(json, 'a rejection needs a reason: the agents learn from it', 2);
    return withTandemClient((client) => (values.approve
      ? approve(client, taskId, files, values.commit === true, json)
      : reject(client, taskId, values.reject as string, files, values['no-retry'] !== true, json)));
  },
};

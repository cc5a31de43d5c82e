// `tandem demo` (npm run demo): the whole cycle on a sample project. Make the repository, run a task
// with the configured model (or the random fixture, said plainly), approve its change, export the
// trajectories, and say where everything is. Through the daemon when one runs, in-process otherwise.
// `--loop` turns the flywheel once instead (demo-loop.ts).
import { join } from 'node:path';
import { tandemPaths } from '../paths.js';
import { ReviewApprove, StatsGet, Status, TaskStart, type DaemonStatus } from '../protocol/messages.js';
import type { TaskDetail } from '../protocol/types.js';
import type { CliCommand } from './command.js';
import { createSampleRepo, demoPrompt } from './demo-sample-repo.js';
import { exportDemoDatasets } from './demo-export.js';
import { runDemoLoop } from './demo-loop.js';
import { progressBars } from './command-output.js';
import { formatStats } from './store-commands.js';
import { withTandemClient, type TandemClient } from './tandem-client.js';
import { followRound } from './task-follow.js';
import { adapterLabel, conflictLines, diffLines, stepLine } from './task-report.js';

/** A random model rarely makes a change: try fresh tasks, but only for so long. A real model gets fewer, longer tries. */
const ATTEMPTS = { fixture: { count: 30, budgetMs: 40_000 }, real: { count: 3, budgetMs: Infinity } };

export const demoCommand: CliCommand = {
  name: 'demo',
  usage: 'demo [--json] | demo --loop [--base HF_DIR --gguf FILE] [--python PATH] [--json]',
  summary: 'Run the whole cycle on a sample project: task, review, approve, export, stats; --loop: train, swap in, before/after',
  options: { loop: { type: 'boolean' }, base: { type: 'string' }, gguf: { type: 'string' }, python: { type: 'string' } },
  async run({ values }) {
    if (values.loop) return runDemoLoop(values);
    const json = values.json === true;
    const say = (...lines: string[]) => { if (!json) for (const line of lines) console.log(line); };
    const paths = tandemPaths();
    const repo = createSampleRepo(join(paths.home, 'demo'));
    say(`Sample project (a cart module with a bug and a failing test): ${repo}`);
    return withTandemClient(async (client) => {
      say(client.mode === 'daemon' ? 'Using the running Tandem daemon.' : 'No daemon is running: Tandem runs in this process.');
      const status = await client.request(Status); // in-process, this loads the model
      describeModel(status, say);

      const attempts = await tryTasks(client, repo, status.model?.fixture !== false, say);
      const reviewed = attempts.find((task) => task.state === 'review') ?? null;
      const shown = reviewed ?? [...attempts].sort((a, b) => b.steps.length - a.steps.length)[0]!;
      say('', `Both roles at work on task ${shown.id} (role, adapter version, action per step):`);
      for (const step of shown.steps) say(`  ${stepLine(step)}`);

      let approved: { applied: string[]; conflicts: { path: string; message: string }[] } | null = null;
      if (reviewed?.diff) {
        approved = await client.request(ReviewApprove, { taskId: reviewed.id, files: reviewed.diff.files.map((f) => ({ path: f.path, verdict: 'approve' as const })) });
        say('', `Approved task ${reviewed.id}; these files changed in the sample repo (${repo}):`);
        for (const line of diffLines(reviewed.diff.files.filter((f) => approved!.applied.includes(f.path)))) say(`  ${line}`);
        for (const line of conflictLines(approved.conflicts)) say(`  ${line}`);
      } else {
        say('', `None of the ${attempts.length} tasks produced a change to review, so there is nothing to approve this time.`);
      }

      say('', 'Exporting the trajectories of this sample project:');
      if (!json) client.onProgress(progressBars());
      const datasets = await exportDemoDatasets(client, repo, join(paths.home, 'demo', 'datasets'));
      for (const d of datasets) say(`  ${d.format} (role ${d.role}): ${d.records} record(s) in ${d.files.join(', ')}`);

      const stats = await client.request(StatsGet);
      say('', 'Stats over every task in this Tandem home:', formatStats(stats));
      const where = { sampleRepo: repo, database: paths.database, worktrees: paths.worktrees, log: join(paths.logs, 'daemon.log'), datasets: datasets.flatMap((d) => d.files), manifests: datasets.map((d) => d.manifest) };
      say('', 'Where everything is:', ...describeWhere(where));
      if (json) console.log(JSON.stringify({ mode: client.mode, model: status.model, adapters: status.adapters, attempts: attempts.map(attemptOf), reviewed: reviewed?.id ?? null, approved, steps: shown.steps.map((s) => ({ role: s.role, adapterVersion: s.adapter.version, tool: s.action?.tool ?? null })), datasets, stats, where }));
      return 0;
    });
  },
};

function describeModel(status: DaemonStatus, say: (...lines: string[]) => void): void {
  const model = status.model;
  if (!model) throw new Error('The daemon has no model loaded; see `tandem status` and `tandem models list`.');
  say(`Model: ${model.name} (${status.backend}, ${status.threads} threads)`);
  if (model.fixture) {
    say("  This is the project's tiny random-weight fixture, used because no real model is configured.");
    say('  Its output is random: the agents act at random. The demo shows the machinery, not the quality.');
    say('  For real work: tandem models pull <name> && tandem models use <name>.');
  }
  say(`Adapters: orchestrator ${adapterLabel(status.adapters.orchestrator.version)}, worker ${adapterLabel(status.adapters.worker.version)} (one base model, a LoRA per role)`);
}

/** Starts fresh tasks, each worded differently, until one has a change to review (bounded). */
async function tryTasks(client: TandemClient, repo: string, fixture: boolean, say: (...lines: string[]) => void): Promise<TaskDetail[]> {
  const limit = fixture ? ATTEMPTS.fixture : ATTEMPTS.real;
  const deadline = Date.now() + limit.budgetMs;
  const attempts: TaskDetail[] = [];
  say('', fixture ? `Running tasks until one makes a change to review (at most ${limit.count}; a random model often gives up at once):` : 'Running the task:');
  while (attempts.length < limit.count && (attempts.length === 0 || Date.now() < deadline)) {
    const prompt = demoPrompt(attempts.length);
    const task = await followRound(client, null, async () => ({ taskId: (await client.request(TaskStart, { repoPath: repo, prompt })).id, round: 1 }));
    attempts.push(task);
    say(`  ${String(attempts.length).padStart(2)}. ${task.id} ${task.state} (${task.stopReason ?? '-'}), ${task.steps.length} step(s): ${JSON.stringify(prompt)}`);
    if (task.state === 'review') {
      say(`Task ${task.id} reached review on attempt ${attempts.length}.`);
      break;
    }
  }
  return attempts;
}

function attemptOf(task: TaskDetail) {
  return { taskId: task.id, prompt: task.prompt, state: task.state, stopReason: task.stopReason, steps: task.steps.length };
}

function describeWhere(where: { sampleRepo: string; database: string; worktrees: string; log: string; datasets: string[]; manifests: string[] }): string[] {
  return [
    `  sample repo  ${where.sampleRepo}`,
    `  database     ${where.database}`,
    `  worktrees    ${where.worktrees}`,
    `  log          ${where.log}`,
    ...where.datasets.map((file) => `  dataset      ${file}`),
    ...where.manifests.map((file) => `  manifest     ${file}`),
  ];
}

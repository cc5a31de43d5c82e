// `npm run bench -- agent`: the whole agent loop on real parts — the fixture model in the runtime
// (both role adapters), a git repository with a worktree per task, the worker tools, the SQLite store.
// - steps_per_s: model calls per second of task time, with the store.
// - role_switch_ms: median time from the last token of one role's step to the first token of the
//   other role's next step (tool run, diff, record, prompt evaluation in between).
// - prefix_reuse: share of orchestrator prompt tokens, after a task's first step, already in the KV cache.
// - record_overhead: steps/s with the store over steps/s with a recorder that keeps nothing, the same
//   tasks and seeds, runs interleaved (target >= 0.95); record_ms_per_step is the store's time per step.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentConfig } from '../../daemon/src/agents/agent-config.js';
import type { TrajectoryRecorder } from '../../daemon/src/agents/ports.js';
import { runTask } from '../../daemon/src/agents/task-runner.js';
import { ProgressBar } from '../../daemon/src/cli/progress-bar.js';
import { writeFixtureModel } from '../../daemon/src/runtime/fixture-model.js';
import type { FixturePreset } from '../../daemon/src/runtime/fixture-presets.js';
import { ModelRuntime } from '../../daemon/src/runtime/model-runtime.js';
import { makeSite, taskOnSite, type HarnessSite } from '../integration/support/git-store-harness.js';
import { median, NoopRecorder, orchestratorPrefixReuse, roleSwitches, TimedModel, timedRecorder } from './agent-timing.js';

const TASKS = Number(process.env.TANDEM_BENCH_AGENT_TASKS ?? 6); // per run; each pair runs them with and without the store
const PAIRS = Number(process.env.TANDEM_BENCH_AGENT_PAIRS ?? 3);
const PRESET = (process.env.TANDEM_BENCH_AGENT_PRESET ?? 'tiny') as FixturePreset;
const FIXTURE_SEED = 3; // the agents fuzz's: its random orchestrator delegates now and then

const REPO: Record<string, string> = {
  'README.md': '# Greeter\nSays hello.\n',
  'src/greet.js': 'export function greet(name) {\n  return `hi ${name}`;\n}\n',
  'docs/notes.md': '- keep it small\n',
};

// Hot sampling with room to delegate, so both roles take turns; budgets keep each task short.
const configFor = (task: number): Partial<AgentConfig> => ({
  task: { steps: 12, tokens: 3000 },
  subtask: { steps: 4, tokens: 1000 },
  maxTokens: { orchestrator: 160, worker: 96 },
  noProgressLimit: 3,
  temperature: 2.5 + (task % 3) * 0.5,
  seed: 101 + task * 7919,
});

interface RunTotals { steps: number; seconds: number }

export async function run(): Promise<Record<string, number | string>> {
  const dir = await mkdtemp(join(tmpdir(), 'tandem-bench-agent-'));
  const bar = new ProgressBar();
  const total = 1 + PAIRS * 2 * TASKS;
  let done = 0;
  const tick = () => bar.update({ id: 'bench-agent', title: 'agent bench: tasks', done: ++done, total, unit: 'records', finished: done === total });
  let site: HarnessSite | null = null;
  let runtime: ModelRuntime | null = null;
  try {
    const files = await writeFixtureModel(join(dir, 'model'), { preset: PRESET, seed: FIXTURE_SEED });
    const loaded = await ModelRuntime.load({
      modelPath: files.modelPath,
      contextSize: 2048,
      adapters: {
        orchestrator: { path: files.adapters.orchestrator, version: 1, sha256: 'fixture-orchestrator' },
        worker: { path: files.adapters.worker, version: 1, sha256: 'fixture-worker' },
      },
    });
    if (!loaded.ok) throw new Error(loaded.error.message);
    runtime = loaded.value;
    site = makeSite(REPO);
    const model = new TimedModel(runtime);
    const storeTime = { ms: 0 };
    const withStore = timedRecorder(site.recorder, storeTime);

    const runTasks = async (name: string, recorder: TrajectoryRecorder, count: number): Promise<RunTotals> => {
      const totals: RunTotals = { steps: 0, seconds: 0 };
      for (let task = 0; task < count; task++) {
        const taskId = `${name}-${task}`;
        const harness = await taskOnSite(site!, taskId);
        model.task = taskId;
        const started = performance.now();
        const result = await runTask(
          { model, recorder, workspace: harness.workspace, tools: harness.tools, config: configFor(task) },
          { taskId, prompt: 'Improve the greeting and document it.', repoPath: site!.repo },
        );
        totals.seconds += (performance.now() - started) / 1000;
        totals.steps += result.usage.steps;
        await harness.cleanup();
        tick();
      }
      return totals;
    };

    await runTasks('warmup', new NoopRecorder(), 1);
    model.calls.length = 0;
    storeTime.ms = 0;
    const store: RunTotals = { steps: 0, seconds: 0 };
    const noop: RunTotals = { steps: 0, seconds: 0 };
    const add = (into: RunTotals, run: RunTotals) => { into.steps += run.steps; into.seconds += run.seconds; };
    // Interleaved, alternating which goes first, so the machine's other load falls on both alike.
    for (let pair = 0; pair < PAIRS; pair++) {
      const storeFirst = pair % 2 === 0;
      if (storeFirst) add(store, await runTasks(`store-${pair}`, withStore, TASKS));
      add(noop, await runTasks(`noop-${pair}`, new NoopRecorder(), TASKS));
      if (!storeFirst) add(store, await runTasks(`store-${pair}`, withStore, TASKS));
    }

    const switches = roleSwitches(model.calls);
    const storeRate = store.steps / store.seconds;
    const noopRate = noop.steps / noop.seconds;
    return {
      preset: PRESET,
      tasks: PAIRS * TASKS,
      steps_with_store: store.steps,
      steps_without_store: noop.steps,
      steps_per_s: round(storeRate),
      steps_per_s_without_store: round(noopRate),
      role_switches: switches.length,
      role_switch_ms: round(median(switches)),
      prefix_reuse: round(orchestratorPrefixReuse(model.calls)),
      record_ms_per_step: round(storeTime.ms / Math.max(1, store.steps)),
      record_overhead: round(storeRate / noopRate),
    };
  } finally {
    await runtime?.dispose();
    site?.remove();
    await rm(dir, { recursive: true, force: true });
  }
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

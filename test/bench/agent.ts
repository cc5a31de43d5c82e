// `npm run bench -- agent`: the whole agent loop on real parts — the fixture model in the runtime
// (both role adapters), a git repository with a worktree per task, the worker tools, the SQLite store.
// - steps_per_s: model calls per second of task time, with the store.
// - role_switch_ms: median time from the last token of one role's step to the first token of the
//   other role's next step (tool run, diff, record, prompt evaluation in between).
// - prefix_reuse: share of orchestrator prompt tokens, after a task's first step, already in the KV cache,
//   on scripted tasks of realistic length (agent-scripted.ts: 16 subtasks, the history compacted as it
//   grows); prefix_reuse_sampled on the random model's own short tasks, where each step's new tool result
//   is a large share. prefix_kept: of what the cache could keep from the step before, the share it kept.
// - record_overhead: steps/s with the store over steps/s with a recorder that keeps nothing, the same
//   tasks and seeds, runs interleaved (target >= 0.95); record_ms_per_step is the store's time per step.
// - critic_cost_*, attempts3_cost_*: the critic, and the critic with 3 attempts per subtask, as ratios
//   of time and evaluated tokens to the single-attempt loop (agent-signals.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentConfig } from '../../daemon/src/agents/agent-config.js';
import type { TrajectoryRecorder } from '../../daemon/src/agents/ports.js';
import { runTask } from '../../daemon/src/agents/task-runner.js';
import { ProgressBar } from '../../daemon/src/cli/progress-bar.js';
import type { FixturePreset } from '../../daemon/src/runtime/fixture-presets.js';
import type { ModelRuntime } from '../../daemon/src/runtime/model-runtime.js';
import { loadFixtureRuntime } from '../support/fixture-runtime.js';
import type { RealVocab } from '../support/real-vocab.js';
import { makeSite, taskOnSite, type HarnessSite } from '../integration/support/git-store-harness.js';
import { scriptedReuse, SCRIPTED_TASKS } from './agent-scripted.js';
import { signalCosts, SIGNAL_RUNS } from './agent-signals.js';
import { median, NoopRecorder, orchestratorPrefixKept, orchestratorPrefixReuse, roleSwitches, TimedModel, timedRecorder, type TimedCall } from './agent-timing.js';

const TASKS = Number(process.env.TANDEM_BENCH_AGENT_TASKS ?? 20); // each run with and without the store
const PRESET = (process.env.TANDEM_BENCH_AGENT_PRESET ?? 'tiny') as FixturePreset;
// `qwen2`: the fixture around Qwen2's real tokenizer and chat template (151,936 tokens) instead of the toy one.
const VOCAB = (process.env.TANDEM_BENCH_AGENT_VOCAB ?? 'toy') as 'toy' | RealVocab;
const FIXTURE_SEED = 3; // the agents fuzz's: its random orchestrator delegates now and then

const REPO: Record<string, string> = {
  'README.md': '# Greeter\nSays hello.\n',
  'src/greet.js': 'export function greet(name) {\n  return `hi ${name}`;\n}\n',
  'docs/notes.md': '- keep it small\n',
};

// Room for the orchestrator to write a delegation out (the fixture's take 100-350 tokens at these
// temperatures), so both roles take turns; the worker's budget is small, its random actions mostly cut.
const configFor = (task: number): Partial<AgentConfig> => ({
  task: { steps: 12, tokens: 8000 },
  subtask: { steps: 3, tokens: 1000 },
  maxTokens: { orchestrator: 400, worker: 96 },
  noProgressLimit: 3,
  temperature: 1 + (task % 2) * 0.5,
  seed: 101 + task * 7919,
});

interface RunTotals { steps: number; seconds: number; cpuSeconds: number }

export async function run(): Promise<Record<string, number | string>> {
  const dir = await mkdtemp(join(tmpdir(), 'tandem-bench-agent-'));
  const bar = new ProgressBar();
  const total = 1 + 2 * TASKS + SIGNAL_RUNS + SCRIPTED_TASKS;
  let done = 0;
  const tick = () => bar.update({ id: 'bench-agent', title: 'agent bench: tasks', done: ++done, total, unit: 'records', finished: done === total });
  let site: HarnessSite | null = null;
  let runtime: ModelRuntime | null = null;
  try {
    // The context the daemon gives each role: the model's trained one, up to 4096 (the fixture is trained on 4096).
    runtime = await loadFixtureRuntime(join(dir, 'model'), { preset: PRESET, seed: FIXTURE_SEED, vocab: VOCAB, contextSize: 4096 });
    site = makeSite(REPO);
    const model = new TimedModel(runtime);
    const storeTime = { ms: 0 };
    const withStore = timedRecorder(site.recorder, storeTime);

    // Each task starts from the same KV caches, so with the same seeds both runs of a task generate the
    // same tokens (a different cached prefix changes how the prompt is batched, and so the last bits of
    // the logits). The same task ids keep paths in tool results the same too.
    const resetCaches = async (): Promise<void> => {
      for (const role of ['orchestrator', 'worker'] as const) {
        await runtime!.generate({ role, messages: [{ role: 'user', content: 'reset' }], schema: RESET_SCHEMA, maxTokens: 1, temperature: 0 });
      }
    };
    const runOne = async (index: number, recorder: TrajectoryRecorder, into: RunTotals): Promise<void> => {
      const taskId = `task-${index}`;
      const harness = await taskOnSite(site!, taskId);
      await resetCaches();
      model.task = `${recorder === withStore ? 'store' : 'none'}:${taskId}`;
      const [started, cpu] = [performance.now(), process.cpuUsage()];
      const result = await runTask(
        { model, recorder, workspace: harness.workspace, tools: harness.tools, config: configFor(index) },
        { taskId, prompt: 'Improve the greeting and document it.', repoPath: site!.repo },
      );
      const used = process.cpuUsage(cpu);
      into.seconds += (performance.now() - started) / 1000;
      into.cpuSeconds += (used.user + used.system) / 1e6;
      into.steps += result.usage.steps;
      await harness.cleanup();
      tick();
    };

    await runOne(-1, new NoopRecorder(), { steps: 0, seconds: 0, cpuSeconds: 0 }); // warm-up
    model.calls.length = 0;
    storeTime.ms = 0;
    const store: RunTotals = { steps: 0, seconds: 0, cpuSeconds: 0 };
    const noop: RunTotals = { steps: 0, seconds: 0, cpuSeconds: 0 };
    // Each task runs with and without the store back to back, alternating which goes first, so the
    // machine's other load falls on both alike.
    for (let index = 0; index < TASKS; index++) {
      const storeFirst = index % 2 === 0;
      if (storeFirst) await runOne(index, withStore, store);
      await runOne(index, new NoopRecorder(), noop);
      if (!storeFirst) await runOne(index, withStore, store);
    }

    const signals = await signalCosts(runtime, site, configFor, tick);
    await runtime.dispose();
    runtime = null;
    const scripted = await scriptedReuse(dir, site, { preset: PRESET, seed: FIXTURE_SEED, vocab: VOCAB }, tick);
    const switches = roleSwitches(model.calls);
    const storeRate = store.steps / store.seconds;
    const noopRate = noop.steps / noop.seconds;
    return {
      preset: PRESET,
      vocab: VOCAB,
      tasks: TASKS,
      steps_with_store: store.steps,
      steps_without_store: noop.steps,
      same_generations: sameGenerations(model.calls) ? 'yes' : 'no',
      steps_per_s: round(storeRate),
      steps_per_s_without_store: round(noopRate),
      role_switches: switches.length,
      role_switch_ms: round(median(switches)),
      ...scripted,
      prefix_reuse_sampled: round(orchestratorPrefixReuse(model.calls)),
      prefix_kept_sampled: round(orchestratorPrefixKept(model.calls)),
      record_ms_per_step: round(storeTime.ms / Math.max(1, store.steps)),
      record_overhead: round(storeRate / noopRate),
      record_overhead_cpu: round((store.steps / store.cpuSeconds) / (noop.steps / noop.cpuSeconds)),
      ...signals,
    };
  } finally {
    await runtime?.dispose();
    site?.remove();
    await rm(dir, { recursive: true, force: true });
  }
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

const RESET_SCHEMA = { type: 'object', properties: { ok: { type: 'boolean' } } };

/** Whether each task generated exactly the same text with the store as without it. */
function sameGenerations(calls: TimedCall[]): boolean {
  const texts = new Map<string, string[]>();
  for (const call of calls) {
    const list = texts.get(call.task) ?? [];
    list.push(call.text);
    texts.set(call.task, list);
  }
  for (const [task, list] of texts) {
    if (!task.startsWith('store:')) continue;
    if (JSON.stringify(texts.get(`none:${task.slice('store:'.length)}`)) !== JSON.stringify(list)) return false;
  }
  return true;
}

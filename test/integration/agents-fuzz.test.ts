// The agent loop fuzzed with the real runtime: the tiny fixture model (random weights, both role
// adapters) generating under the action grammars at temperature > 0, a different seed per task, on
// sample repositories made here, with the real store and real worktrees. A share of the tasks has its
// first actions chosen (support/fuzz-steering.ts), so the worker's path and each worker tool are fuzzed
// whatever a seed samples on this CPU; the model's own sampling takes over after. Whatever it does, each
// task ends within its budget, records its stop, writes nothing outside its worktree (checked on disk)
// and leaves the user's files, index and HEAD alone.
import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentConfig } from '../../daemon/src/agents/agent-config.js';
import { FIXTURE_AGENT_CONFIG } from '../../daemon/src/services/agent-settings.js';
import { WORKER_TOOLS } from '../../daemon/src/agents/action-schemas.js';
import { ProgressBar } from '../../daemon/src/cli/progress-bar.js';
import type { ModelRuntime } from '../../daemon/src/runtime/model-runtime.js';
import { fuzzTasks } from '../agents/fuzz.js';
import { RandomActionModel } from '../agents/random-action-model.js';
import { loadFixtureRuntime } from '../support/fixture-runtime.js';
import { FuzzSites } from './support/fuzz-sites.js';
import { FIRST_WORKER_ACTIONS, fuzzKind, fuzzSteering } from './support/fuzz-steering.js';
import { SteeredModel } from './support/steered-model.js';

// TANDEM_FUZZ_TASKS changes the count. 160 constructed tasks reach the worker in three quarters of them
// and run every worker tool; the issue's 500 sampled-only tasks reached it only when a seed made it.
const TASKS = Number(process.env.TANDEM_FUZZ_TASKS ?? 160);
const TASKS_PER_REPO = 20;

const SAMPLE_REPO: Record<string, string> = {
  'README.md': '# Greeter\nSays hello.\n',
  'package.json': '{ "name": "greeter", "version": "1.0.0", "scripts": { "test": "node test/greet.test.js" } }\n',
  'src/greet.js': 'export function greet(name) {\n  return `hi ${name}`;\n}\n',
  'test/greet.test.js': "import { greet } from '../src/greet.js';\nif (greet('a') !== 'hi a') process.exit(1);\n",
  'docs/notes.md': '- keep it small\n',
};

// Any fixture seed does: the steered tasks construct the variety the assertions need.
const FIXTURE_SEED = 3;
const TEMPERATURES = [0.7, 1.5, 2.5, 3.5];

// Small budgets keep the tasks within minutes: a step costs ~0.1-0.2 s (a few ms a generated token, plus
// prompt evaluation and git) and a task ~0.2 s more for its worktree and checks, on a busy 2-core box.
// Sampled tasks are cheap and mostly stop on their step budget or the orchestrator's own ending; steered
// ones have room for the worker's turn and the orchestrator's answer to its report.
const configFor = (index: number): Partial<AgentConfig> => {
  const sampled = fuzzKind(index) === 'sampled';
  return {
    task: sampled ? { steps: 4, tokens: 1600 } : { steps: 8, tokens: 6000 },
    subtask: { steps: 4, tokens: 2400 },
    maxTokens: { orchestrator: sampled ? 40 : 160, worker: 96 },
    // The daemon's short fixture fields: a random model then closes its actions, and the worker acts.
    fieldLimits: FIXTURE_AGENT_CONFIG.fieldLimits!,
    noProgressLimit: 3,
    temperature: TEMPERATURES[Math.floor(index / 4) % TEMPERATURES.length],
    seed: 1 + index * 7919,
  };
};

describe('agents fuzz: the fixture model on real repositories, store and worktrees', () => {
  let dir: string;
  let runtime: ModelRuntime;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tandem-fuzz-model-'));
    runtime = await loadFixtureRuntime(dir, { seed: FIXTURE_SEED });
  });
  after(async () => {
    await runtime?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it(`${TASKS} random-model tasks each end within budget, record a stop, and write only inside their worktree`, async function () {
    this.timeout(20 * 60_000); // ~1-3 s a task on 2 busy cores; the suite's 5 minutes are for one test, not 160 tasks
    const sites = new FuzzSites(TASKS_PER_REPO);
    const bar = new ProgressBar();
    let report;
    try {
      report = await fuzzTasks({
        tasks: TASKS,
        factory: sites.factory,
        makeModel: (i) => new SteeredModel(runtime, fuzzSteering(i)),
        config: configFor,
        files: SAMPLE_REPO,
        checkTask: sites.checkTask,
        onTask: (i) => bar.update({ id: 'fuzz', title: 'Fuzzing agent tasks', done: i + 1, total: TASKS, unit: 'records', finished: i + 1 === TASKS }),
      });
    } finally {
      sites.close();
    }
    const unused = WORKER_TOOLS.filter((tool) => !report.tools[tool]);
    console.log(`    ${TASKS} tasks on ${sites.sitesMade} repositories, ${report.steps} steps (at most ${report.maxTaskSteps} in a task)`);
    console.log(`    task stops: ${JSON.stringify(report.stopReasons)}; states: ${JSON.stringify(report.states)}`);
    console.log(`    subtask stops: ${JSON.stringify(report.subtaskStops)}`);
    console.log(`    tool calls (ok/all): ${Object.entries(report.tools).map(([t, n]) => `${t} ${n.ok}/${n.calls}`).join(', ')}`);
    if (unused.length > 0) console.log(`    worker tools the random model never produced: ${unused.join(', ')}`);

    // The fuzz reached past the first step, and the constructed variety was run: every worker tool was
    // called, some succeeded, the hostile paths were refused, and most tasks had a subtask.
    assert.ok(report.steps > TASKS, `only ${report.steps} steps in ${TASKS} tasks`);
    assert.ok(report.okToolCalls > 0, 'no tool call ever succeeded');
    assert.ok(report.maxTaskSteps <= 8);
    const steered = Array.from({ length: TASKS }, (_, i) => fuzzKind(i)).filter((kind) => kind !== 'sampled').length;
    const subtasks = Object.values(report.subtaskStops).reduce((n, c) => n + (c ?? 0), 0);
    assert.ok(subtasks >= steered, `${subtasks} subtasks in ${steered} tasks that delegated`);
    if (TASKS >= 4 * FIRST_WORKER_ACTIONS.length) {
      assert.deepEqual(unused, [], 'every worker tool was run');
      const writes = report.tools.write_file!;
      assert.ok(writes.ok > 0 && writes.ok < writes.calls, `write_file ${writes.ok}/${writes.calls}: one wrote, one was refused`);
      assert.ok(report.tools.list_files!.ok > 0);
    }
  });
});

// The on-disk checks themselves: a write they should catch is caught.
describe('agents fuzz: the on-disk checks', () => {
  const escapes: Record<string, (worktree: string, repo: string) => void> = {
    'a file beside the worktrees': (worktree) => writeFileSync(join(worktree, '..', 'escaped.txt'), 'x'),
    'a file in the sentinel folder': (_worktree, repo) => writeFileSync(join(repo, '..', 'sentinel', 'keep.txt'), 'changed\n'),
    'the user\'s index': (_worktree, repo) => appendFileSync(join(repo, '.git', 'index'), 'x'),
    'a new file in the user\'s tree': (_worktree, repo) => writeFileSync(join(repo, 'docs', 'new.md'), 'x'),
  };
  for (const [what, escape] of Object.entries(escapes)) {
    it(`catch a write to ${what}`, async () => {
      const sites = new FuzzSites(1);
      try {
        const harness = await sites.factory('escape', SAMPLE_REPO);
        escape(harness.workspace.root, harness.repoPath);
        await harness.cleanup();
        await assert.rejects(sites.checkTask(0, harness), /changed files outside its worktree/);
      } finally {
        sites.close();
      }
    });
  }
});

// The fixture model seldom writes a worker action out in full within a small budget, so the worker's
// tools get little of the fuzz above. The grammar-walking random model (no model file) emits worker
// actions at every step, hostile paths included ('../outside.txt', '/etc/passwd', '.git/config'), and
// here they run through the real tools on real worktrees, with the same checks on disk.
describe('agents fuzz: grammar-valid random actions on real repositories, store and worktrees', () => {
  it('150 tasks write only inside their worktree and leave the user\'s repository alone', async function () {
    this.timeout(15 * 60_000); // a hang guard: ~1 min on an idle 2-core machine, several beside other work
    const sites = new FuzzSites(TASKS_PER_REPO);
    let report;
    try {
      report = await fuzzTasks({
        tasks: 150,
        factory: sites.factory,
        makeModel: (i) => new RandomActionModel(i + 1, { orchestrator: 1500, worker: 1200 }, 0.15),
        config: { task: { steps: 24, tokens: 40_000 }, subtask: { steps: 8, tokens: 15_000 }, maxTokens: { orchestrator: 256, worker: 400 }, noProgressLimit: 5 },
        files: SAMPLE_REPO,
        checkTask: sites.checkTask,
      });
    } finally {
      sites.close();
    }
    console.log(`    tool calls (ok/all): ${Object.entries(report.tools).map(([t, n]) => `${t} ${n.ok}/${n.calls}`).join(', ')}`);
    const writes = (report.tools.write_file?.ok ?? 0) + (report.tools.edit_file?.ok ?? 0);
    assert.ok(writes > 20, `only ${writes} writes succeeded: the disk checks had little to check`);
    const refused = (report.tools.write_file?.calls ?? 0) - (report.tools.write_file?.ok ?? 0);
    assert.ok(refused > 0, 'no write was refused: the hostile paths were not tried');
  });
});

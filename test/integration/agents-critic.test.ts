// The critic on the real runtime: the tiny fixture's critic context (made on first use, with its own
// LoRA adapter) judges a worker result inside a real round on a git worktree and a SQLite store. The
// orchestrator and worker are scripted, so the case is constructed: the worker always reaches done and
// the critic always runs; what the critic says is random, so the test checks how it is carried, not what.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAction } from '../../daemon/src/agents/action-parser.js';
import { runTask, type TaskRunDeps } from '../../daemon/src/agents/task-runner.js';
import type { TaskEvent } from '../../daemon/src/protocol/events.js';
import type { CriticVerdict } from '../../daemon/src/protocol/types.js';
import type { ModelRuntime } from '../../daemon/src/runtime/model-runtime.js';
import { FIXTURE_AGENT_CONFIG } from '../../daemon/src/services/agent-settings.js';
import { exportDataset } from '../../daemon/src/store/export/export-dataset.js';
import { ReviewRecorder } from '../../daemon/src/store/review-recorder.js';
import { computeStats } from '../../daemon/src/store/stats.js';
import { SAMPLE_FILES } from '../agents/scenario-kit.js';
import { act, ScriptedModel } from '../agents/scripted-model.js';
import { makeRuntimeFixture, type RuntimeFixture } from './helpers/runtime-fixture.js';
import { CriticOnRuntime } from './support/critic-on-runtime.js';
import { makeSite, taskOnSite, type HarnessSite } from './support/git-store-harness.js';

const scripts = () => ({
  orchestrator: [act('delegate', { instruction: 'Say hello', files: [] }), act('accept'), act('finish', { summary: 'done' })],
  worker: [act('write_file', { path: 'hello.txt', content: 'hello\n' }), act('done', { summary: 'wrote hello.txt' })],
});

// The fixture's config (short fields), with room for the critic's verdict to close under the grammar.
const config = { ...FIXTURE_AGENT_CONFIG, maxTokens: { orchestrator: 192, worker: 224, critic: 512 }, shownTokens: 400, temperature: 1, seed: 7, critic: true };

describe('agents: the critic on the real runtime (tiny fixture)', () => {
  let fixture: RuntimeFixture;
  let runtime: ModelRuntime;
  let site: HarnessSite;

  before(async () => {
    fixture = await makeRuntimeFixture();
    runtime = await fixture.load({ critic: fixture.adapter('critic') }, 4096);
    site = makeSite(SAMPLE_FILES);
  });
  after(async () => {
    site?.remove();
    await fixture?.close();
  });

  const run = async (taskId: string, over: Partial<typeof config> = {}) => {
    const harness = await taskOnSite(site, taskId);
    const scripted = new ScriptedModel(scripts());
    const events: TaskEvent[] = [];
    const deps: TaskRunDeps = {
      model: new CriticOnRuntime(scripted, runtime), recorder: harness.recorder, workspace: harness.workspace, tools: harness.tools,
      config: { ...config, ...over }, onEvent: (event) => events.push(event),
    };
    const result = await runTask(deps, { taskId, prompt: 'Add a hello file', repoPath: site.repo });
    return { result, events, scripted, harness };
  };

  it('makes no critic context until the critic first generates', () => {
    const status = runtime.status();
    assert.equal(status.tokensEvaluated.critic, 0);
    assert.deepEqual(status.adapters.critic, { role: 'critic', version: 1, sha256: 'critic-v1' });
  });

  it('judges the worker result on its own adapter, records it, and shows the orchestrator the verdict with the diff', async () => {
    const { result, events, scripted } = await run('crit-1');
    assert.equal(result.state, 'review');
    const steps = site.probe.steps('crit-1');
    assert.deepEqual(steps.map((s) => s.role), ['orchestrator', 'worker', 'worker', 'critic', 'orchestrator', 'orchestrator']);
    const critic = steps[3]!;
    assert.equal(critic.subtaskId, 'crit-1-r1-s1');
    assert.equal(critic.promptVersion, 'critic@1');
    assert.match(critic.messages[1]!.content, /Subtask: Say hello/);
    assert.match(critic.messages[1]!.content, /hello\.txt/, 'the critic sees the diff');
    const row = site.store.db.prepare("SELECT adapter_version, adapter_sha FROM steps WHERE task_id = 'crit-1' AND role = 'critic'").get();
    assert.deepEqual(row, { adapter_version: 1, adapter_sha: 'critic-v1' });
    assert.ok(runtime.status().tokensEvaluated.critic > 0, 'the critic context now exists and has evaluated its prompt');

    // Generated under the verdict grammar, so it parses as one.
    const parsed = parseAction('critic', critic.action);
    assert.ok(parsed.ok, `the critic's output is a verdict: ${JSON.stringify(critic.action)}`);
    const verdict = parsed.action.args as CriticVerdict;
    assert.deepEqual(critic.toolCalls.map((c) => c.tool), ['verdict']);

    // The orchestrator's turn after the delegation carries the worker's report and, below it, the critique.
    const report = scripted.requestsOf('orchestrator')[1]!.messages.at(-1)!.content;
    assert.match(report, /The worker finished the subtask/);
    assert.ok(report.includes(`The critic's verdict: ${verdict.score}/5`), report);
    assert.ok(events.some((e) => e.type === 'step.finished' && e.step.role === 'critic'), 'the timeline gets the critic step');
  });

  it('is off unless switched on: no critic step and no critique', async () => {
    const { scripted } = await run('crit-off', { critic: false });
    assert.ok(!site.probe.steps('crit-off').some((s) => s.role === 'critic'));
    assert.doesNotMatch(scripted.requestsOf('orchestrator')[1]!.messages.at(-1)!.content, /critic/);
  });

  it('hot-swaps a new critic adapter version for the next verdict', async () => {
    const swapped = await runtime.setAdapter('critic', fixture.adapter('critic', 2));
    assert.ok(swapped.ok);
    await run('crit-2');
    const row = site.store.db.prepare("SELECT adapter_version FROM steps WHERE task_id = 'crit-2' AND role = 'critic'").pluck().get();
    assert.equal(row, 2);
  });

  it('exports the verdicts as the critic role and counts them against the human in stats', async () => {
    const diffId = site.store.db.prepare("SELECT id FROM diffs WHERE task_id = 'crit-1' AND subtask_id IS NULL").pluck().get() as number;
    new ReviewRecorder(site.store).recordReview('crit-1', diffId, { path: 'hello.txt', verdict: 'approve' });
    const critic = computeStats(site.store).critic;
    assert.equal(critic.reduce((n, c) => n + c.judged, 0), 1, 'one reviewed round with a verdict');
    const recorded = site.probe.steps('crit-1').find((s) => s.role === 'critic')!.action as { args: CriticVerdict };
    const passed = recorded.args.score >= 4 && recorded.args.does_what_was_asked && recorded.args.tests_pass !== 'fail' && recorded.args.no_unrelated_changes;
    assert.equal(critic.find((c) => c.version === 1)!.truePositives, passed ? 1 : 0);

    const out = mkdtempSync(join(tmpdir(), 'tandem-critic-export-'));
    try {
      const manifest = await exportDataset(site.store.path, { format: 'openai-sft', role: 'critic', out: join(out, 'critic.jsonl') });
      const lines = manifest.files.flatMap((f) => readFileSync(join(out, f.path), 'utf8').split('\n').filter(Boolean));
      // Approved rounds only, by default: crit-1's verdict (crit-2 was never reviewed).
      assert.deepEqual(manifest.counts, { 'all/critic/approved': 1 });
      assert.equal(lines.length, 1);
      for (const line of lines) {
        const record = JSON.parse(line) as { messages: { role: string; tool_calls?: { function: { name: string } }[] }[]; tools: { function: { name: string } }[] };
        assert.deepEqual(record.tools.map((t) => t.function.name), ['verdict']);
        assert.equal(record.messages.at(-1)!.tool_calls![0]!.function.name, 'verdict');
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

// Several attempts per subtask on the real parts: scratch git worktrees, the SQLite store, and the tiny
// fixture's critic on the real runtime scoring each attempt. Orchestrator and worker are scripted so
// every attempt finishes; the critic's scores are random, so the kept attempt is checked against them.
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { basename, dirname, join } from 'node:path';
import { runTask } from '../../daemon/src/agents/task-runner.js';
import type { ModelRuntime } from '../../daemon/src/runtime/model-runtime.js';
import { FIXTURE_AGENT_CONFIG } from '../../daemon/src/services/agent-settings.js';
import { exportDataset } from '../../daemon/src/store/export/export-dataset.js';
import { ReviewRecorder } from '../../daemon/src/store/review-recorder.js';
import type { TaskEvent } from '../../daemon/src/protocol/events.js';
import { applyEvent, attemptRows, emptyTimeline, type AttemptGroupEntry } from '../../webview-ui/src/timeline-model.js';
import { SAMPLE_FILES } from '../agents/scenario-kit.js';
import { trlGrpoSchema } from '../support/dataset-schemas/trl.js';
import { act, ScriptedModel } from '../agents/scripted-model.js';
import { makeRuntimeFixture, type RuntimeFixture } from './helpers/runtime-fixture.js';
import { CriticOnRuntime } from './support/critic-on-runtime.js';
import { makeSite, taskOnSite, type HarnessSite } from './support/git-store-harness.js';

const ajv = new Ajv({ allErrors: true, strict: false });
const validateGrpo = ajv.compile(trlGrpoSchema);

describe('agents: several attempts per subtask (scratch worktrees, real critic)', () => {
  let fixture: RuntimeFixture;
  let runtime: ModelRuntime;
  let site: HarnessSite;

  before(async () => {
    fixture = await makeRuntimeFixture();
    runtime = await fixture.load({}, 4096);
    site = makeSite(SAMPLE_FILES);
  });
  after(async () => {
    site?.remove();
    await fixture?.close();
  });

  it('runs each attempt from the same state on its own worktree, keeps the best-scored one, and records the group', async () => {
    const harness = await taskOnSite(site, 'att-1');
    // Per attempt: look around, write this attempt's version of the file, say done.
    const scripted = new ScriptedModel({
      orchestrator: [act('delegate', { instruction: 'Write attempt.txt', files: [] }), act('accept'), act('finish', { summary: 'done' })],
      worker: (call) => [
        act('list_files', { path: '' }),
        act('write_file', { path: 'attempt.txt', content: `attempt ${Math.floor(call / 3) + 1}\n` }),
        act('done', { summary: `wrote version ${Math.floor(call / 3) + 1}` }),
      ][call % 3]!,
    });
    const events: TaskEvent[] = [];
    const result = await runTask({
      model: new CriticOnRuntime(scripted, runtime), recorder: harness.recorder, workspace: harness.workspace, tools: harness.tools, onEvent: (e) => events.push(e),
      config: { ...FIXTURE_AGENT_CONFIG, maxTokens: { orchestrator: 192, worker: 224, critic: 512 }, shownChars: 400, temperature: 1, seed: 3, critic: true, attempts: 3 },
    }, { taskId: 'att-1', prompt: 'Add attempt.txt', repoPath: site.repo });
    assert.equal(result.state, 'review');

    const rows = site.store.db.prepare(`SELECT a.subtask_id, a.group_id, a.attempt, a.score, a.chosen, a.critic_step_id, s.outcome
      FROM attempts a JOIN subtasks s ON s.id = a.subtask_id ORDER BY a.attempt`).all() as
      { subtask_id: string; group_id: string; attempt: number; score: number | null; chosen: number; critic_step_id: number | null; outcome: string }[];
    assert.deepEqual(rows.map((r) => [r.subtask_id, r.group_id, r.attempt]), [1, 2, 3].map((n) => [`att-1-r1-s1-a${n}`, 'att-1-r1-s1', n]));
    assert.ok(rows.every((r) => r.score !== null && r.critic_step_id !== null), 'the critic scored every attempt');
    // The kept one: the highest score, a pass before a fail at the same score, else the earliest.
    const steps = site.probe.steps('att-1');
    const passes = (r: (typeof rows)[number]) => steps.find((s) => s.id === r.critic_step_id)!.toolCalls[0]!.result === 'The result passes.';
    const rank = (r: (typeof rows)[number]) => r.score! * 2 + (passes(r) ? 1 : 0);
    const expected = rows.reduce((kept, r) => (rank(r) > rank(kept) ? r : kept));
    assert.deepEqual(rows.filter((r) => r.chosen).map((r) => r.attempt), [expected.attempt]);
    assert.deepEqual(rows.map((r) => r.outcome), rows.map((r) => (r.chosen ? 'accepted' : 'stopped')));
    // The panel's timeline, fed the live events, shows the attempts as one group with the same scores and choice.
    const timeline = emptyTimeline('att-1');
    events.forEach((e) => applyEvent(timeline, e));
    const group = timeline.entries.find((e): e is AttemptGroupEntry => e.kind === 'attempts')!;
    assert.deepEqual(attemptRows(timeline, group).map((r) => [r.attempt, r.score, r.chosen]), rows.map((r) => [r.attempt, r.score, r.chosen === 1]));
    assert.equal(timeline.entries.filter((e) => e.kind === 'subtask').length, 0, 'no attempt shows as a subtask of its own');

    // Isolation: no attempt saw another's file; the task's worktree holds the kept version only.
    const listings = steps.filter((s) => s.role === 'worker' && s.action?.tool === 'list_files').map((s) => s.toolCalls[0]!.result);
    assert.equal(listings.length, 3);
    for (const listing of listings) assert.doesNotMatch(listing, /attempt\.txt/);
    assert.equal(readFileSync(join(harness.workspace.root, 'attempt.txt'), 'utf8'), `attempt ${expected.attempt}\n`);
    assert.deepEqual(result.diff?.files.map((f) => f.path), ['attempt.txt']);
    const leftovers = readdirSync(dirname(harness.workspace.root)).filter((name) => name.startsWith(`${basename(harness.workspace.root)}.`));
    assert.deepEqual(leftovers, [], 'every scratch worktree is removed');
    assert.ok(!existsSync(`${harness.workspace.root}.s1-a1`));

    // The orchestrator reads the kept attempt's report, its critique, and one line per discarded attempt.
    const report = scripted.requestsOf('orchestrator')[1]!.messages.at(-1)!.content;
    assert.match(report, new RegExp(`attempt ${expected.attempt} is kept`));
    assert.match(report, /The critic's verdict: \d\/5/);
    assert.equal(report.match(/^- attempt \d: finished, critic \d\/5/gm)?.length, 2);
  });

  it('exports the group as trl-grpo (rewards from the critic and the human) and its best-worst DPO pair, which Python datasets loads', async function () {
    const diffId = site.store.db.prepare("SELECT id FROM diffs WHERE task_id = 'att-1' AND subtask_id IS NULL").pluck().get() as number;
    new ReviewRecorder(site.store).recordReview('att-1', diffId, { path: 'attempt.txt', verdict: 'approve' });
    const rows = site.store.db.prepare('SELECT attempt, score, chosen FROM attempts ORDER BY attempt').all() as { attempt: number; score: number; chosen: number }[];
    const out = mkdtempSync(join(tmpdir(), 'tandem-grpo-'));
    try {
      const grpo = await exportDataset(site.store.path, { format: 'trl-grpo', role: 'worker', out: join(out, 'grpo.jsonl') });
      assert.match(grpo.reward ?? '', /critic = \(score - 1\) \/ 4/);
      const [line, ...more] = readFileSync(join(out, 'grpo.jsonl'), 'utf8').split('\n').filter(Boolean);
      assert.equal(more.length, 0, 'one group');
      const record = JSON.parse(line!) as { prompt: unknown[]; completions: unknown[][]; rewards: number[]; metadata: { group: { id: string } } };
      assert.ok(validateGrpo(record), ajv.errorsText(validateGrpo.errors));
      assert.equal(record.metadata.group.id, 'att-1-r1-s1');
      // The kept attempt reached the human, who approved: its reward averages the critic's part with 1.
      const expected = rows.map((r) => (r.chosen ? ((r.score - 1) / 4 + 1) / 2 : (r.score - 1) / 4));
      assert.deepEqual(record.rewards, expected);
      assert.equal(record.completions.length, 3);

      const dpo = await exportDataset(site.store.path, { format: 'trl-dpo', role: 'worker', out: join(out, 'dpo.jsonl') });
      const pairs = readFileSync(join(out, 'dpo.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { metadata: { pair: { kind: string } } });
      const distinct = new Set(expected).size > 1;
      assert.equal(pairs.filter((p) => p.metadata.pair.kind === 'attempts').length, distinct ? 1 : 0, `rewards ${expected.join(', ')}`);
      assert.ok(dpo.files.length === 1);

      // Equal rewards (every attempt scored 5 and approved) make no pair, and an empty file is no dataset.
      await loadWithPythonDatasets(this, [join(out, 'grpo.jsonl'), ...(pairs.length ? [join(out, 'dpo.jsonl')] : [])]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

/** Loads JSONL files with Hugging Face `datasets`, through TANDEM_PYTHON; skipped loudly outside CI when it is unset. */
async function loadWithPythonDatasets(test: Mocha.Context, files: string[]): Promise<void> {
  const python = process.env.TANDEM_PYTHON;
  if (!python) {
    if (process.env.CI) assert.fail('TANDEM_PYTHON must point at a Python with `datasets` in CI');
    console.warn('    ! TANDEM_PYTHON is not set: the datasets-library check of trl-grpo / trl-dpo is SKIPPED');
    test.skip();
  }
  const script = 'import sys, datasets\nfor f in sys.argv[1:]:\n    d = datasets.load_dataset("json", data_files=f, split="train")\n    print(f, len(d), sorted(d.column_names))';
  const { stdout } = await promisify(execFile)(python!, ['-c', script, ...files], { timeout: 120_000 });
  assert.match(stdout, /grpo\.jsonl 1 \['completions', 'metadata', 'prompt', 'rewards', 'tools'\]/);
  if (files.some((f) => f.endsWith('dpo.jsonl'))) assert.match(stdout, /dpo\.jsonl \d+ \['chosen', 'metadata', 'prompt', 'rejected', 'tools'\]/);
}

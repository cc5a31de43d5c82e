// Several attempts per subtask on the real parts: scratch git worktrees, the SQLite store, and the tiny
// fixture's critic on the real runtime scoring each attempt. Orchestrator and worker are scripted so
// every attempt finishes; the critic's scores are random, so the kept attempt is checked against them.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { GenerateRequest, ModelPort } from '../../daemon/src/agents/ports.js';
import { runTask } from '../../daemon/src/agents/task-runner.js';
import type { Role } from '../../daemon/src/protocol/types.js';
import type { ModelRuntime } from '../../daemon/src/runtime/model-runtime.js';
import { FIXTURE_AGENT_CONFIG } from '../../daemon/src/services/agent-settings.js';
import { SAMPLE_FILES } from '../agents/scenario-kit.js';
import { act, ScriptedModel } from '../agents/scripted-model.js';
import { makeRuntimeFixture, type RuntimeFixture } from './helpers/runtime-fixture.js';
import { makeSite, taskOnSite, type HarnessSite } from './support/git-store-harness.js';

class CriticOnRuntime implements ModelPort {
  readonly baseModelSha = 'fixture';
  constructor(private readonly scripted: ScriptedModel, private readonly runtime: ModelRuntime) {}
  generate(request: GenerateRequest) {
    return request.role === 'critic' ? this.runtime.generate(request) : this.scripted.generate(request);
  }
  contextSize(role: Role) {
    return role === 'critic' ? this.runtime.contextSize(role) : 32_768;
  }
  countTokens(text: string) {
    return this.runtime.countTokens(text);
  }
}

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
    const result = await runTask({
      model: new CriticOnRuntime(scripted, runtime), recorder: harness.recorder, workspace: harness.workspace, tools: harness.tools,
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
});

// The agent loop, store and export on real tokenizers as well as the toy one: Qwen2's byte-level BPE
// (151,936 tokens, ChatML) and llama-tiny's SentencePiece model converted by llama.cpp. One model load per
// vocabulary; the tasks are constructed (SteeredModel: the runtime generates every call, the test chooses
// the action), so every assertion holds whatever the random weights sample.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { historyTokens } from '../../daemon/src/agents/context-compaction.js';
import { runTask, type RoundResult } from '../../daemon/src/agents/task-runner.js';
import { cutToTokens } from '../../daemon/src/agents/token-cut.js';
import { FIXTURE_AGENT_CONFIG } from '../../daemon/src/services/agent-settings.js';
import type { TaskEvent } from '../../daemon/src/protocol/events.js';
import type { AgentConfig } from '../../daemon/src/agents/agent-config.js';
import type { FileReview } from '../../daemon/src/protocol/types.js';
import { exportDataset } from '../../daemon/src/store/export/export-dataset.js';
import { ReviewRecorder } from '../../daemon/src/store/review-recorder.js';
import { applyApproved } from '../../daemon/src/workspace/apply-approved.js';
import { TaskWorktree } from '../../daemon/src/workspace/task-worktree.js';
import type { ModelRuntime } from '../../daemon/src/runtime/model-runtime.js';
import { makeRuntimeFixture, REAL_VOCABULARIES, type FixtureVocabulary, type RuntimeFixture } from './helpers/runtime-fixture.js';
import { makeSite, taskOnSite, type HarnessSite } from './support/git-store-harness.js';
import { SteeredModel, type Steering } from './support/steered-model.js';

const wellFormed = (text: string): boolean => Buffer.from(text, 'utf8').toString('utf8') === text;
const CJK = '上下文按模型自己的词元计算，而不是按字符。🧑‍💻 代码审查 ✅ — naïve café 😀\n';
const FILES: Record<string, string> = {
  'README.md': '# 笔记\nNotes in several scripts.\n',
  'notes/长文.md': CJK.repeat(60),
  'src/a.md': `# A\n${'α β γ δ ε 🚀 '.repeat(120)}\n`,
  'src/b.md': `# B\n${'日本語のテキスト、絵文字 🎌。'.repeat(80)}\n`,
  'src/c.md': `# C\n${'export const x = "ß→∑";\n'.repeat(80)}`,
};
const WRITTEN = '完成 ✅ 🎉 — 注释\n';
const SHOWN_TOKENS = 120;
const CONTEXT = 2048;

const CONFIG: Partial<AgentConfig> = {
  ...FIXTURE_AGENT_CONFIG,
  task: { steps: 16, tokens: 200_000 },
  subtask: { steps: 10, tokens: 100_000 },
  maxTokens: { orchestrator: 48, worker: 48 },
  shownTokens: SHOWN_TOKENS,
  // Low marks, so a few read results are enough to compact on every tokenizer.
  compactAt: 0.25,
  compactTo: 0.1,
  temperature: 1.5,
  seed: 11,
};

// The orchestrator delegates, then accepts and finishes; the worker reads four files of multi-byte text,
// writes one, and is done. Reads of different files, so no doom loop; the write keeps it from no progress.
const STEERING: Steering = {
  orchestrator: (call) => [
    { tool: 'delegate', args: { instruction: '注释を翻訳', files: ['notes/长文.md'] } },
    { tool: 'accept', args: {} },
    { tool: 'finish', args: { summary: '完成 ✅' } },
  ][Math.min(call, 2)]!,
  worker: (call) => [
    { tool: 'read_file', args: { path: 'src/a.md' } },
    { tool: 'read_file', args: { path: 'src/b.md' } },
    { tool: 'read_file', args: { path: 'src/c.md' } },
    { tool: 'read_file', args: { path: 'README.md' } },
    { tool: 'write_file', args: { path: 'NOTES.md', content: WRITTEN } },
    { tool: 'done', args: { summary: '完成' } },
  ][Math.min(call, 5)]!,
};

for (const vocabulary of ['toy', ...REAL_VOCABULARIES] as FixtureVocabulary[]) {
  describe(`agents, store and export on a real tokenizer: ${vocabulary} (real llama.cpp, SQLite, git)`, () => {
    let fixture: RuntimeFixture;
    let runtime: ModelRuntime;
    let site: HarnessSite;
    let model: SteeredModel;
    let result: RoundResult;
    let worktree: TaskWorktree;
    const events: TaskEvent[] = [];
    const taskId = `real-vocab-${vocabulary}`;

    before(async function () {
      this.timeout(10 * 60_000);
      fixture = await makeRuntimeFixture(5, vocabulary);
      runtime = await fixture.load({ orchestrator: fixture.adapter('orchestrator'), worker: fixture.adapter('worker') }, CONTEXT);
      site = makeSite(FILES);
      const harness = await taskOnSite(site, taskId);
      assert.ok(harness.workspace instanceof TaskWorktree);
      worktree = harness.workspace;
      model = new SteeredModel(runtime, STEERING);
      result = await runTask(
        { model, recorder: harness.recorder, workspace: harness.workspace, tools: harness.tools, config: CONFIG, onEvent: (e) => events.push(e) },
        { taskId, prompt: 'Translate the notes: 注释を翻訳 🌐', repoPath: site.repo },
      );
    });
    after(async () => {
      site?.remove();
      await fixture?.close();
    });

    it('cuts a tool result of CJK and emoji to N of its own tokens, as valid UTF-8 that says how much went', () => {
      const text = CJK.repeat(40);
      for (const maxTokens of [60, 150]) {
        const cut = cutToTokens(text, { maxTokens, countTokens: (t) => runtime.countTokens(t) });
        assert.ok(runtime.countTokens(cut) <= maxTokens, `${runtime.countTokens(cut)} tokens for ${maxTokens}`);
        assert.ok(wellFormed(cut), 'no character split');
        assert.match(cut, /\[… \d+ tokens cut …\]/);
      }
    });

    it('runs the constructed task to review, every step within the context and the files shown cut by tokens', () => {
      assert.equal(result.state, 'review', `${result.stopReason}: ${result.detail}`);
      assert.deepEqual(result.diff!.files.map((f) => f.path), ['NOTES.md']);
      const workerSteps = site.probe.steps(taskId).filter((s) => s.role === 'worker');
      assert.equal(workerSteps.length, 6);
      for (const step of workerSteps) {
        // What was sent fits the context with room for the reply, counted by the model's tokenizer.
        assert.ok(historyTokens(step.messages, (t) => runtime.countTokens(t)) <= CONTEXT - 48, `step ${step.id}`);
        for (const turn of step.messages) assert.ok(wellFormed(turn.content), `step ${step.id}: a stored turn is not valid UTF-8`);
      }
      // The brief's file and each read result: cut to the shown tokens, and the note says so.
      const brief = workerSteps[0]!.messages[1]!.content;
      assert.match(brief, /File notes\/长文\.md:\nread_file → ok\n[\s\S]*\[… \d+ tokens cut …\]/);
      const fileShown = brief.slice(brief.indexOf('read_file → ok\n') + 'read_file → ok\n'.length);
      assert.ok(runtime.countTokens(fileShown) <= SHOWN_TOKENS, `${runtime.countTokens(fileShown)} tokens of the file shown`);
      const firstRead = workerSteps[1]!.messages.find((m) => m.role === 'tool')!.content;
      assert.ok(runtime.countTokens(firstRead.slice(firstRead.indexOf('\n') + 1)) <= SHOWN_TOKENS);
    });

    it('compacts the worker history on the way, and reuses the cached prompt between compactions', () => {
      const workerSteps = site.probe.steps(taskId).filter((s) => s.role === 'worker');
      assert.ok(workerSteps.some((s) => s.messages.some((m) => /output compacted|Earlier turns were removed/.test(m.content))), 'no step was compacted');
      const calls = model.calls.filter((c) => c.role === 'worker');
      let grown = 0;
      for (let i = 1; i < calls.length; i++) {
        const [before, after] = [calls[i - 1]!, calls[i]!];
        const unchanged = before.request.messages.every((m, j) => after.request.messages[j]?.content === m.content);
        if (!unchanged) continue; // compacted in between: only the pinned turns are sure to be reused
        grown++;
        assert.ok(after.generated.tokensReused >= before.generated.tokensIn, `worker call ${i}: ${after.generated.tokensReused} reused of ${before.generated.tokensIn}`);
      }
      assert.ok(grown > 0, 'no two worker steps in a row without compaction');
    });

    it('charges the budget with the tokens the model evaluated, and streams whole characters that add up to each answer', () => {
      const charged = model.calls.reduce((n, c) => n + c.generated.tokensIn - c.generated.tokensReused + c.generated.tokensOut, 0);
      assert.equal(result.usage.tokens, charged);
      assert.equal(result.usage.steps, model.calls.length);
      for (const call of model.calls) {
        assert.equal(call.streamed.join(''), call.generated.text);
        assert.ok(!call.generated.text.includes('\uFFFD'), 'a character was cut in half');
      }
      const deltas = events.filter((e): e is Extract<TaskEvent, { type: 'step.tokens' }> => e.type === 'step.tokens').map((e) => e.text).join('');
      assert.equal(deltas, model.calls.map((c) => c.streamed.join('')).join(''));
    });

    it('stores and exports the multi-byte task exactly: the written file, the cut results and the approval', async () => {
      const reviews: FileReview[] = [{ path: 'NOTES.md', verdict: 'approve' }];
      const reviewer = new ReviewRecorder(site.store);
      for (const review of reviews) reviewer.recordReview(taskId, result.diffId!, review);
      const { result: applied, applied: patch } = await applyApproved(worktree, reviews, { agentCommit: result.diff!.agentCommit! });
      reviewer.recordApplied({ taskId, diffId: result.diffId!, patchId: patch.patchId, unifiedDiff: patch.unified, commitSha: applied.commit });
      assert.equal(readFileSync(join(site.repo, 'NOTES.md'), 'utf8'), WRITTEN);

      const out = mkdtempSync(join(tmpdir(), 'tandem-real-vocab-export-'));
      try {
        // The orchestrator's round is labelled by the human's review of the round's diff. (Worker units are
        // labelled by their subtask's own diffs, which this review does not name: they export as unreviewed.)
        const manifest = await exportDataset(site.store.db.name, { format: 'trl-sft', role: 'orchestrator', out: join(out, 'orchestrator.jsonl') });
        const lines = readFileSync(join(out, 'orchestrator.jsonl'), 'utf8').trim().split('\n');
        const records = manifest.files.reduce((n, f) => n + f.records, 0);
        assert.ok(records > 0 && lines.length === records, JSON.stringify(manifest));
        const text = lines.join('\n');
        assert.ok(wellFormed(text));
        assert.ok(text.includes(`+${WRITTEN.trim()}`), 'the written line is exported as it was, in the diff the orchestrator read');
        assert.ok(text.includes('Translate the notes: 注释を翻訳 🌐'), 'the task as it was given');
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  });
}

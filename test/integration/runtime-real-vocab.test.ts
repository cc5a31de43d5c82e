// The runtime on real tokenizers and chat templates, not only the project's toy vocabulary: a random-weight
// model around Qwen2's byte-level BPE (151,936 tokens, its own ChatML template with a default system turn),
// and llama.cpp's conversion of a transformers Llama (SentencePiece, `{{ bos_token }}` + ChatML).
// Every assertion holds whatever the model samples: the grammar, the stream and the cache guarantee them.
import assert from 'node:assert/strict';
import type { ChatTurn, GenerateRequest } from '../../daemon/src/agents/ports.js';
import { ModelRuntime } from '../../daemon/src/runtime/model-runtime.js';
import { ACTION_SCHEMA, PROMPT, REAL_VOCABULARIES, makeRuntimeFixture, type RuntimeFixture } from './helpers/runtime-fixture.js';

const request = (over: Partial<GenerateRequest> = {}): GenerateRequest => ({ role: 'worker', messages: PROMPT, schema: ACTION_SCHEMA, maxTokens: 160, temperature: 0, ...over });

for (const vocabulary of REAL_VOCABULARIES) {
  describe(`model runtime on a real tokenizer: ${vocabulary} (real llama.cpp)`, () => {
    let fixture: RuntimeFixture;
    let runtime: ModelRuntime;

    before(async () => {
      fixture = await makeRuntimeFixture(5, vocabulary);
      runtime = await fixture.load({ orchestrator: fixture.adapter('orchestrator'), worker: fixture.adapter('worker') });
    });
    after(async () => { await fixture.close(); });

    it("counts tokens with the model's own tokenizer, which merges what the toy vocabulary spells out", () => {
      const code = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n';
      const counted = runtime.countTokens(code);
      assert.ok(counted > 0 && counted < code.length / 2, `${counted} tokens for ${code.length} characters`);
    });

    it('always produces a parseable action under the grammar, greedy or sampled', async () => {
      for (const [role, temperature, seed] of [['worker', 0, 1], ['orchestrator', 1, 2], ['worker', 1.5, 3]] as const) {
        const result = await runtime.generate(request({ role, temperature, seed }));
        assert.equal(result.stopReason, 'stop', result.text);
        const action = JSON.parse(result.text) as { tool: string };
        assert.deepEqual(result.action, action);
        assert.ok(['delegate', 'accept', 'finish'].includes(action.tool), action.tool);
      }
    });

    it('streams text that adds up to the answer, characters split across byte tokens included', async () => {
      for (const seed of [4]) {
        const parts: string[] = [];
        const result = await runtime.generate(request({ temperature: 2, seed, onToken: (text) => parts.push(text) }));
        assert.equal(parts.join(''), result.text);
        assert.ok(!result.text.includes('\uFFFD'), 'no character is cut in half');
      }
    });

    if (vocabulary === 'llama-tiny') {
      it("sizes each role's context by what the model was trained on, not what was asked for", async () => {
        const loaded = await ModelRuntime.load({ modelPath: fixture.files.modelPath, contextSize: 1 << 16, adapters: {}, backend: fixture.backend });
        assert.ok(loaded.ok);
        assert.equal(loaded.value.contextSize('worker'), 2048, 'llama.context_length of base.gguf');
        await loaded.value.dispose();
      });
    }

    it('reuses the whole previous prompt from the KV cache when the answer comes back in the next turn', async () => {
      const first = await runtime.generate(request({ role: 'orchestrator' }));
      const messages: ChatTurn[] = [...PROMPT, { role: 'assistant', content: first.text }, { role: 'tool', content: 'diff --git a/cli.ts b/cli.ts\n+  verbose: boolean; // 詳細' }];
      const second = await runtime.generate(request({ role: 'orchestrator', messages }));
      assert.ok(second.tokensReused >= first.tokensIn, `the first prompt (${first.tokensIn}) is reused, got ${second.tokensReused}`);
      assert.ok(second.tokensIn > second.tokensReused);
    });
  });
}


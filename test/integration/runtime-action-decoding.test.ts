// The runtime's own constrained decoder (runtime/constrained-decoding.ts) on real llama.cpp: the toy
// vocabulary, Qwen2's 151,936-token byte-level BPE and llama-tiny's SentencePiece. Whatever the random
// model samples, greedy or hot, every action it finishes parses and fits its role's schema by
// node-llama-cpp's own schema check, and a cut action is a prefix the schema allows.
// Field limits are small so that any action fits the token budget: finishing is guaranteed, not hoped for.
import assert from 'node:assert/strict';
import type { GenerateRequest } from '../../daemon/src/agents/ports.js';
import { schemaFor } from '../../daemon/src/agents/action-schemas.js';
import { FIELD_LIMITS, type FieldLimits } from '../../daemon/src/agents/field-limits.js';
import { advance, initialState } from '../../daemon/src/runtime/action-automaton.js';
import { compileActionPattern } from '../../daemon/src/runtime/action-pattern.js';
import type { ModelRuntime } from '../../daemon/src/runtime/model-runtime.js';
import { PROMPT, makeRuntimeFixture, type FixtureVocabulary, type RuntimeFixture } from './helpers/runtime-fixture.js';

const LIMITS: FieldLimits = { ...FIELD_LIMITS, path: 12, instruction: 16, feedback: 16, summary: 16, reason: 16, content: 20, searchText: 12, command: 12, query: 12, files: 2 };
// Every string at its limit, each character in up to 3 byte tokens, plus the structure, is well under this.
const MAX_TOKENS = 400;
const ROLES = ['orchestrator', 'worker', 'critic'] as const;

for (const vocabulary of ['toy', 'qwen2', 'llama-tiny'] as const satisfies readonly FixtureVocabulary[]) {
  describe(`constrained action decoding: ${vocabulary} vocabulary (real llama.cpp)`, () => {
    let fixture: RuntimeFixture;
    let runtime: ModelRuntime;

    before(async () => {
      fixture = await makeRuntimeFixture(5, vocabulary);
      runtime = await fixture.load({ orchestrator: fixture.adapter('orchestrator'), worker: fixture.adapter('worker'), critic: fixture.adapter('critic') }, 2048);
    });
    after(async () => { await fixture.close(); });

    const request = (role: (typeof ROLES)[number], over: Partial<GenerateRequest> = {}): GenerateRequest =>
      ({ role, messages: PROMPT, schema: schemaFor(role, LIMITS), maxTokens: MAX_TOKENS, temperature: 0, ...over });

    it("finishes every role's action, greedy and sampled, as JSON that node-llama-cpp's schema check accepts", async () => {
      for (const role of ROLES) {
        const grammar = await fixture.backend.llama.createGrammarForJsonSchema(schemaFor(role, LIMITS) as never);
        for (const [temperature, seed] of [[0, 1], [1, 2], [2, 3]] as const) {
          const parts: string[] = [];
          const result = await runtime.generate(request(role, { temperature, seed, onToken: (text) => parts.push(text) }));
          const where = `${role} at temperature ${temperature}: ${JSON.stringify(result.text)}`;
          assert.equal(result.stopReason, 'stop', where);
          assert.deepEqual(result.action, JSON.parse(result.text), where);
          assert.doesNotThrow(() => grammar.parse(result.text), where); // validates against the schema, limits included
          assert.equal(parts.join(''), result.text, `the stream adds up to the answer: ${where}`);
          assert.ok(!result.text.includes('\uFFFD'), `no character is cut in half: ${where}`);
          assert.ok(result.tokensOut > 0 && result.tokensOut <= MAX_TOKENS, where);
        }
      }
    });

    it('cuts an action at the token budget to a prefix the schema allows, and says so', async () => {
      const pattern = compileActionPattern(schemaFor('worker', LIMITS), 4096)!;
      for (const maxTokens of [1, 3, 7]) {
        const result = await runtime.generate(request('worker', { maxTokens, temperature: 1, seed: maxTokens }));
        if (result.stopReason === 'stop') continue; // a whole action in so few tokens is fine too
        assert.equal(result.stopReason, 'max_tokens');
        assert.ok(result.tokensOut <= maxTokens, `${result.tokensOut} tokens for a budget of ${maxTokens}`);
        assert.equal(result.action, null);
        assert.ok(advance(initialState(pattern), result.text), `the schema allows ${JSON.stringify(result.text)} as a start`);
      }
    });

    it('stops at once when the caller aborts, with what it had', async () => {
      const controller = new AbortController();
      const result = await runtime.generate(request('worker', { temperature: 1, seed: 9, signal: controller.signal, onToken: () => controller.abort() }));
      // The first text streamed is forced ('{"tool":"'), so no action can be whole before the abort is seen.
      assert.equal(result.stopReason, 'aborted');
      assert.equal(result.action, null);
    });
  });
}

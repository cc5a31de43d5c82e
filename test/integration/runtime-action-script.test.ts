// Scripted actions on the real runtime (real llama.cpp, the toy and Qwen2 vocabularies): the model
// evaluates the scripted text as forced tokens, so the answer is exactly the script's, streamed, counted
// and kept in the KV cache; calls no rule applies to are generated as usual; a scripted action that does
// not fit the step's schema is refused by name and leaves the runtime usable.
import assert from 'node:assert/strict';
import type { ChatTurn, GenerateRequest } from '../../daemon/src/agents/ports.js';
import { schemaFor } from '../../daemon/src/agents/action-schemas.js';
import { ActionScript, parseRules } from '../../daemon/src/runtime/action-script.js';
import type { ModelRuntime } from '../../daemon/src/runtime/model-runtime.js';
import { makeRuntimeFixture, type FixtureVocabulary, type RuntimeFixture } from './helpers/runtime-fixture.js';

const WRITE = { tool: 'write_file', args: { path: 'docs/héllo.md', content: '# Grüße ✓\n日本語 and "quotes"\n' } };
const DONE = { tool: 'done', args: { summary: 'Wrote the greeting.' } };
const BAD = { tool: 'write_file', args: { content: 'the path is missing', path: 'x' } }; // fields out of the schema's order

const script = new ActionScript('test', parseRules({
  rules: [
    { role: 'worker', when: '^write_file → ok', action: DONE },
    { role: 'worker', when: '^Write', action: WRITE },
    { role: 'worker', when: '^Break', action: BAD },
  ],
}, 'test'));

const opening: ChatTurn[] = [{ role: 'system', content: 'You are the worker.' }, { role: 'user', content: 'Write a greeting into docs/.' }];
const request = (messages: ChatTurn[], over: Partial<GenerateRequest> = {}): GenerateRequest => ({
  role: 'worker', messages, schema: schemaFor('worker'), maxTokens: 200, temperature: 1, seed: 7, ...over,
});

for (const vocabulary of ['toy', 'qwen2'] as FixtureVocabulary[]) {
  describe(`scripted actions on the real runtime: ${vocabulary} vocabulary`, function () {
    this.timeout(300_000);
    let fixture: RuntimeFixture;
    let runtime: ModelRuntime;

    before(async () => {
      fixture = await makeRuntimeFixture(5, vocabulary);
      runtime = await fixture.load({ orchestrator: fixture.adapter('orchestrator'), worker: fixture.adapter('worker') }, 2048, { actionScript: script });
    });
    after(async () => { await fixture.close(); });

    it('answers with the scripted action, streamed and counted, and the next turn reuses it from the cache', async () => {
      const streamed: string[] = [];
      const first = await runtime.generate(request(opening, { onToken: (text) => streamed.push(text) }));
      assert.equal(first.text, JSON.stringify(WRITE));
      assert.deepEqual(first.action, WRITE);
      assert.equal(first.stopReason, 'stop');
      assert.equal(streamed.join(''), first.text, 'the forced tokens stream as generated ones do');
      assert.ok(first.tokensOut > 0 && first.tokensOut <= runtime.countTokens(first.text) + 4, `${first.tokensOut} tokens out`);
      assert.equal(first.adapter.version, 1, "the worker's adapter evaluated it");

      const next = [...opening, { role: 'assistant' as const, content: first.text }, { role: 'tool' as const, content: 'write_file → ok\nWrote docs/héllo.md' }];
      const second = await runtime.generate(request(next));
      assert.deepEqual(second.action, DONE);
      assert.ok(second.tokensReused >= first.tokensIn + first.tokensOut,
        `the cache held the prompt and the scripted answer: ${second.tokensReused} reused of ${first.tokensIn} + ${first.tokensOut}`);
    });

    it('leaves a call no rule applies to to the model, under the schema as always', async () => {
      const free = await runtime.generate(request([{ role: 'user', content: 'Look around.' }], { maxTokens: 400 }));
      if (free.stopReason === 'stop') assert.ok(free.action && typeof (free.action as { tool: unknown }).tool === 'string');
      const orchestrator = await runtime.generate(request(opening, { role: 'orchestrator', schema: schemaFor('orchestrator', undefined, ['delegate']), maxTokens: 400 }));
      if (orchestrator.stopReason === 'stop') assert.equal((orchestrator.action as { tool: string }).tool, 'delegate');
    });

    it('passes over a rule whose tool the step does not offer', async () => {
      const onlyDone = schemaFor('worker', undefined, ['done', 'read_file']);
      const result = await runtime.generate(request(opening, { schema: onlyDone, maxTokens: 400 }));
      assert.notDeepEqual(result.action, WRITE, 'write_file was not offered, so the model chose');
      if (result.stopReason === 'stop') assert.ok(['done', 'read_file'].includes((result.action as { tool: string }).tool));
    });

    it('refuses a scripted action that does not fit the schema, and generates on afterwards', async () => {
      await assert.rejects(runtime.generate(request([{ role: 'user', content: 'Break the script.' }])),
        /The scripted action .*"content":"the path is missing".* does not fit the action schema/);
      const after = await runtime.generate(request(opening));
      assert.deepEqual(after.action, WRITE);
    });

    it('does not script the warm-up', async () => {
      const warm = await runtime.warmUp();
      assert.equal(warm.state, 'ready', JSON.stringify(warm));
    });
  });
}

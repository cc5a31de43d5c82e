// KV-cache prefix reuse across turns on the real llama.cpp with the tiny fixture: an answer sent back in
// the next prompt keeps the tokens it was generated as, so the whole previous prompt and answer are reused.
// A re-tokenized answer would stop matching the cache where the model's split differs from the tokenizer's.
// Cases that hinge on what was sampled (a character-per-token split, a control token inside a string) are
// built by evaluating chosen tokens into the cache: which seed samples them differs from CPU to CPU.
import assert from 'node:assert/strict';
import type { LlamaGrammar, Token } from 'node-llama-cpp';
import type { ChatTurn, GenerateRequest } from '../../daemon/src/agents/ports.js';
import { toChatHistory } from '../../daemon/src/runtime/chat-history.js';
import { generateOnRole } from '../../daemon/src/runtime/generation.js';
import type { ModelRuntime } from '../../daemon/src/runtime/model-runtime.js';
import { createRoleContext, type RoleContext } from '../../daemon/src/runtime/role-context.js';
import { rolePrompt } from '../../daemon/src/runtime/role-prompt.js';
import { ACTION_SCHEMA, PROMPT, makeRuntimeFixture, type RuntimeFixture } from './helpers/runtime-fixture.js';
import { LoadedAdapters } from '../../daemon/src/runtime/loaded-adapters.js';

const request = (messages: ChatTurn[], over: Partial<GenerateRequest> = {}): GenerateRequest =>
  ({ role: 'orchestrator', messages, schema: ACTION_SCHEMA, maxTokens: 64, temperature: 0, ...over });
const reply = (text: string): ChatTurn => ({ role: 'assistant', content: text });
const toolResult = (text: string): ChatTurn => ({ role: 'tool', content: text });

describe('runtime prefix reuse across turns (tiny fixture, real llama.cpp)', () => {
  let fixture: RuntimeFixture;
  let runtime: ModelRuntime;
  // One role's context, driven the way ModelRuntime.generate drives it, so the test can read its cache.
  let role: RoleContext;
  let grammar: LlamaGrammar;

  before(async () => {
    fixture = await makeRuntimeFixture();
    runtime = await fixture.load({ orchestrator: fixture.adapter('orchestrator') });
    const model = await fixture.backend.llama.loadModel({ modelPath: fixture.files.modelPath });
    role = await createRoleContext(model, 'orchestrator', fixture.adapter('orchestrator'), {
      contextSize: 1024, threads: fixture.backend.threads, log: fixture.backend.log, adapters: new LoadedAdapters(model, () => undefined),
    });
    grammar = await fixture.backend.llama.createGrammarForJsonSchema(ACTION_SCHEMA as never);
  });
  after(async () => {
    const model = role.model;
    await role.dispose();
    await model.dispose();
    await fixture.close();
  });

  /** The generated tokens now in the cache after the prompt, and how many of them spell the answer (whitespace after JSON is trimmed from it). */
  const answerInCache = (tokensIn: number, text: string): { generated: Token[]; spelled: number } => {
    const generated = role.sequence.contextTokens.slice(tokensIn);
    let spelled = generated.length;
    while (spelled > 0 && role.model.detokenize(generated.slice(0, spelled)) !== text) spelled--;
    assert.ok(spelled > 0, 'the cache holds the answer after the prompt');
    assert.equal(role.model.detokenize(generated.slice(spelled)).trim(), '', 'only whitespace the answer dropped follows it');
    return { generated, spelled };
  };

  /** Fills the cache with the prompt and an answer written as `generated`, as a generation would leave it: built, not sampled, since what a seed samples differs by CPU. */
  const answerWith = async (generated: Token[]): Promise<{ promptTokens: number; text: string }> => {
    const plan = rolePrompt(role, toChatHistory(PROMPT), 64);
    await role.sequence.clearHistory();
    await role.sequence.evaluateWithoutGeneratingNewTokens([...plan.tokens, ...generated]);
    const text = role.model.detokenize(generated);
    role.transcript.remember(plan.plan, text, generated, {
      detokenize: (tokens) => role.model.detokenize(tokens),
      isSpecialToken: (token) => role.model.isSpecialToken(token),
    });
    return { promptTokens: plan.tokens.length, text };
  };
  const tokensOf = (text: string): Token[] => role.model.tokenize(text, false, 'trimLeadingSpace');

  it('reuses the whole first prompt and answer when the answer comes back with a new turn', async () => {
    const first = await generateOnRole(role, request(PROMPT), { kind: 'grammar', grammar });
    assert.equal(first.stopReason, 'stop', first.text);
    const { spelled } = answerInCache(first.tokensIn, first.text);
    assert.equal(spelled, first.tokensOut, 'the answer is the tokens streamed; whitespace held back after the JSON is not');

    const meter = role.sequence.tokenMeter;
    const evaluatedBefore = meter.usedInputTokens + meter.usedOutputTokens;
    const second = await generateOnRole(role, request([...PROMPT, reply(first.text), toolResult('diff --git a/cli.ts b/cli.ts')]), { kind: 'grammar', grammar });
    const evaluated = meter.usedInputTokens + meter.usedOutputTokens - evaluatedBefore;

    assert.equal(second.tokensReused, first.tokensIn + first.tokensOut);
    assert.ok(second.tokensIn > second.tokensReused);
    // What llama.cpp evaluated: the new turn and what it generated, nothing of the reused prefix.
    assert.equal(evaluated, role.sequence.contextTokens.length - second.tokensReused);

    const secondAnswer = answerInCache(second.tokensIn, second.text);
    const third = await generateOnRole(role, request([...PROMPT, reply(first.text), toolResult('diff --git a/cli.ts b/cli.ts'), reply(second.text), toolResult('accepted')]), { kind: 'grammar', grammar });
    assert.equal(third.tokensReused, second.tokensIn + secondAnswer.spelled, 'the second answer is reused as generated too');
  });

  it('sends the same text as the chat rendered afresh, split into the tokens the cache holds', async () => {
    // A character a token, where the tokenizer merges '":' and '",': the split a random model often samples.
    const generated = [...'{"tool":"accept","args":{"note":"ok"}}'].flatMap((char) => tokensOf(char));
    const first = await answerWith(generated);
    const history = toChatHistory([...PROMPT, reply(first.text), toolResult('ok')]);
    const prompt = rolePrompt(role, history, 64);
    const fresh = role.chatWrapper.generateContextState({ chatHistory: [...history, { type: 'model', response: [] }] }).contextText.tokenize(role.model.tokenizer);

    assert.notDeepEqual(prompt.tokens, fresh, 'the answer keeps its generated tokens');
    assert.deepEqual(prompt.tokens.slice(first.promptTokens, first.promptTokens + generated.length), generated);
    assert.equal(role.model.detokenize(prompt.tokens, true), role.model.detokenize(fresh, true));
    assert.equal(role.sequence.compareContextTokens(prompt.tokens).firstDifferentIndex, first.promptTokens + generated.length);
  });

  it('reuses an answer only up to a control token its text leaves out, and sends the rest as text', async () => {
    // A model can write a control token inside a JSON string: the grammar reads BOS as "<s>", the answer's text drops it.
    const bos = role.model.tokens.bos!;
    assert.ok(role.model.isSpecialToken(bos));
    const before = tokensOf('{"tool":"finish","args":{"note":"a');
    const first = await answerWith([...before, bos, ...tokensOf('b"}}')]);
    assert.equal(first.text, '{"tool":"finish","args":{"note":"ab"}}');

    const history = toChatHistory([...PROMPT, reply(first.text), toolResult('ok')]);
    const prompt = rolePrompt(role, history, 64);
    const fresh = role.chatWrapper.generateContextState({ chatHistory: [...history, { type: 'model', response: [] }] }).contextText.tokenize(role.model.tokenizer);
    assert.equal(role.sequence.compareContextTokens(prompt.tokens).firstDifferentIndex, first.promptTokens + before.length);
    assert.deepEqual(prompt.tokens.slice(first.promptTokens, first.promptTokens + before.length), before, 'the answer up to the control token keeps its tokens');
    assert.ok(!prompt.tokens.slice(first.promptTokens).includes(bos), 'the control token does not come back');
    assert.equal(role.model.detokenize(prompt.tokens, true), role.model.detokenize(fresh, true));
  });

  it('through the runtime, reuses up to the first turn that changed when a history is rewritten, and no further', async () => {
    const first = await runtime.generate(request(PROMPT, { temperature: 1, seed: 11 }));
    const second = await runtime.generate(request([...PROMPT, reply(first.text), toolResult('a long tool output '.repeat(8))], { temperature: 1, seed: 12 }));
    assert.ok(second.tokensReused >= first.tokensIn + runtime.countTokens(first.text) / 2, `reused ${second.tokensReused}`);
    // Compaction shortened the tool output: the first prompt and answer are still what the cache holds.
    const compacted = [...PROMPT, reply(first.text), toolResult('a long tool output [cut]'), reply(second.text), toolResult('ok')];
    const third = await runtime.generate(request(compacted, { temperature: 1, seed: 13 }));
    assert.ok(third.tokensReused >= second.tokensReused, `reused ${third.tokensReused}, the first prompt and answer were ${second.tokensReused}`);
    assert.ok(third.tokensReused < second.tokensIn, 'nothing from the changed turn on is reused');
    assert.notEqual(third.action, null, third.text);

    // Another conversation shares only the template's opening (BOS, <|im_start|>, "system\n").
    const other = await runtime.generate(request([{ role: 'system', content: 'Another task entirely.' }, { role: 'user', content: 'Hello.' }]));
    assert.ok(other.tokensReused < 16, `reused ${other.tokensReused}`);
  });
});

// Scoring text against the upstream tools: a recorded step rendered by step-rendering.ts is the text
// and the token ids transformers' own chat template and tokenizer give for the same messages
// (../shared/interop/llama-tiny/expected.json), and its prompt is the prompt a generation evaluates.
import assert from 'node:assert/strict';
import type { LlamaModel } from 'node-llama-cpp';
import type { ChatTurn } from '../../daemon/src/agents/ports.js';
import { toChatHistory } from '../../daemon/src/runtime/chat-history.js';
import { LoadedAdapters } from '../../daemon/src/runtime/loaded-adapters.js';
import { createRoleContext } from '../../daemon/src/runtime/role-context.js';
import { rolePrompt } from '../../daemon/src/runtime/role-prompt.js';
import { renderStep, stepRenderer } from '../../daemon/src/runtime/step-rendering.js';
import { interopFile, readExpected, type InteropExpected } from './helpers/llama-tiny.js';
import { makeRuntimeFixture, PROMPT, type RuntimeFixture } from './helpers/runtime-fixture.js';

describe('scoring text: a recorded step as the model saw it (llama-tiny, real llama.cpp)', () => {
  let fixture: RuntimeFixture;
  let model: LlamaModel;
  let expected: InteropExpected;

  before(async () => {
    fixture = await makeRuntimeFixture();
    expected = readExpected();
    model = await fixture.backend.llama.loadModel({ modelPath: interopFile('base.gguf') });
  });
  after(async () => {
    await model?.dispose();
    await fixture.close();
  });

  it('renders each prompt as transformers\' chat template does: the same text and the same ids', () => {
    const renderer = stepRenderer(model);
    for (const [i, prompt] of expected.prompts.entries()) {
      const step = renderStep(renderer, { messages: prompt.messages as ChatTurn[], output: expected.lora_target.text });
      assert.equal(step.prompt.text, prompt.text, `prompt ${i} text`);
      assert.deepEqual(step.prompt.tokens, prompt.ids, `prompt ${i} ids`);
      assert.deepEqual(step.action.tokens, expected.lora_target.ids_with_im_end.slice(0, -1), 'the action is the training target without its end of turn');
      assert.equal(step.action.text, expected.lora_target.text);
      assert.equal(step.endOfTurn, '<|im_end|>');
    }
  });

  it('gives the prompt tokens a generation evaluates on a fresh role context (fixture model)', async () => {
    const fixtureModel = await fixture.backend.llama.loadModel({ modelPath: fixture.files.modelPath });
    const role = await createRoleContext(fixtureModel, 'worker', null, {
      contextSize: 512, threads: fixture.backend.threads, log: fixture.backend.log, adapters: new LoadedAdapters(fixtureModel, () => undefined),
    });
    try {
      const messages: ChatTurn[] = [...PROMPT, { role: 'assistant', content: '{"tool":"delegate","args":{}}' }, { role: 'tool', content: 'ok' }];
      const step = renderStep(stepRenderer(fixtureModel), { messages, output: '{"tool":"finish"}' });
      assert.deepEqual(step.prompt.tokens, rolePrompt(role, toChatHistory(messages), 64).tokens);
      assert.equal(fixtureModel.detokenize(step.action.tokens), '{"tool":"finish"}');
      assert.deepEqual(fixtureModel.tokenize(step.prompt.text, true), step.prompt.tokens, 'the text tokenizes back to the same ids');
    } finally {
      await role.dispose();
      await fixtureModel.dispose();
    }
  });
});

// Text embeddings from the loaded base model through node-llama-cpp (real llama.cpp): on the project's toy
// fixture and on llama.cpp's conversion of a transformers Llama (../shared/interop/llama-tiny/base.gguf).
// Random weights carry no meaning, so the assertions are about the vectors themselves. The model is loaded
// bare (no role contexts): ModelRuntime.textEmbedder() is this class over the runtime's model.
import assert from 'node:assert/strict';
import type { LlamaModel } from 'node-llama-cpp';
import { TextEmbedder, textKey } from '../../daemon/src/analysis/text-embeddings.js';
import { makeRuntimeFixture, type RuntimeFixture } from './helpers/runtime-fixture.js';

for (const vocabulary of ['toy', 'llama-tiny'] as const) {
  describe(`text embeddings from the base model: ${vocabulary} (real llama.cpp)`, () => {
    let fixture: RuntimeFixture;
    let model: LlamaModel;
    let embedder: TextEmbedder;

    before(async () => {
      fixture = await makeRuntimeFixture(5, vocabulary);
      model = await fixture.backend.llama.loadModel({ modelPath: fixture.files.modelPath });
      embedder = new TextEmbedder(model, { threads: fixture.backend.threads });
    });
    after(async () => {
      await model?.dispose();
      await fixture?.close();
    });

    it("gives every text a finite unit vector of the model's embedding size, the same text the same vector", async () => {
      const texts = ['tests fail: expected 3 but got 2', 'wrong file: edited README.md instead of cli.ts', 'tests fail: expected 3 but got 2', ''];
      const vectors = await embedder.embed(texts);
      assert.equal(vectors.length, texts.length);
      assert.equal(embedder.dimensions, model.embeddingVectorSize);
      assert.ok(embedder.dimensions > 0);
      for (const vector of vectors) {
        assert.equal(vector.length, embedder.dimensions);
        assert.ok(vector.every(Number.isFinite), 'finite');
        const norm = Math.hypot(...vector);
        assert.ok(Math.abs(norm - 1) < 1e-4, `unit length, got ${norm}`);
      }
      assert.deepEqual([...vectors[0]!], [...vectors[2]!]);
      assert.notDeepEqual([...vectors[0]!], [...vectors[1]!]);
      assert.equal(embedder.cached, 3, 'a repeated text is evaluated once');
    });

    it('gives a text the same vector when evaluated again in a fresh embedding context', async () => {
      const text = 'guard stop: doom loop, the same read_file three times';
      const first = await embedder.embed([text]);
      // A second embedder has an empty cache, so this evaluates the text again in a new context.
      const again = await new TextEmbedder(model).embed([text]);
      assert.deepEqual([...again[0]!], [...first[0]!]);
      assert.notEqual(textKey(text), textKey(`${text} `));
    });

    it('cuts a text longer than the embedding context instead of failing', async () => {
      const long = 'budget exhausted after many steps; '.repeat(200);
      const [vector] = await embedder.embed([long]);
      assert.ok(vector!.every(Number.isFinite));
      assert.ok(vector!.some((value) => value !== 0));
    });
  });
}

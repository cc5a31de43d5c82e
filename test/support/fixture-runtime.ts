// The runtime on a freshly written fixture model with both of its adapters, for tests and benchmarks:
// on the toy vocabulary, or around a real one (cached, see real-vocab.ts).
import { writeFixtureModel } from '../../daemon/src/runtime/fixture-model.js';
import type { FixturePreset } from '../../daemon/src/runtime/fixture-presets.js';
import type { ActionScript } from '../../daemon/src/runtime/action-script.js';
import { ModelRuntime } from '../../daemon/src/runtime/model-runtime.js';
import { realVocabFixture, type RealVocab } from './real-vocab.js';

export async function loadFixtureRuntime(dir: string, options: { preset?: FixturePreset; seed: number; contextSize?: number; vocab?: 'toy' | RealVocab; actionScript?: ActionScript }): Promise<ModelRuntime> {
  const preset = options.preset ?? 'tiny';
  const files = options.vocab && options.vocab !== 'toy'
    ? await realVocabFixture(options.vocab, { preset, seed: options.seed })
    : await writeFixtureModel(dir, { preset, seed: options.seed });
  const loaded = await ModelRuntime.load({
    modelPath: files.modelPath,
    contextSize: options.contextSize ?? 2048,
    adapters: {
      orchestrator: { path: files.adapters.orchestrator, version: 1, sha256: 'fixture-orchestrator' },
      worker: { path: files.adapters.worker, version: 1, sha256: 'fixture-worker' },
    },
    ...(options.actionScript ? { actionScript: options.actionScript } : {}),
  });
  if (!loaded.ok) throw new Error(loaded.error.message);
  return loaded.value;
}

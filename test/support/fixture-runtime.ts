// The runtime on a freshly written fixture model with both of its adapters, for tests and benchmarks.
import { writeFixtureModel } from '../../daemon/src/runtime/fixture-model.js';
import type { FixturePreset } from '../../daemon/src/runtime/fixture-presets.js';
import { ModelRuntime } from '../../daemon/src/runtime/model-runtime.js';

export async function loadFixtureRuntime(dir: string, options: { preset?: FixturePreset; seed: number; contextSize?: number }): Promise<ModelRuntime> {
  const files = await writeFixtureModel(dir, { preset: options.preset ?? 'tiny', seed: options.seed });
  const loaded = await ModelRuntime.load({
    modelPath: files.modelPath,
    contextSize: options.contextSize ?? 2048,
    adapters: {
      orchestrator: { path: files.adapters.orchestrator, version: 1, sha256: 'fixture-orchestrator' },
      worker: { path: files.adapters.worker, version: 1, sha256: 'fixture-worker' },
    },
  });
  if (!loaded.ok) throw new Error(loaded.error.message);
  return loaded.value;
}

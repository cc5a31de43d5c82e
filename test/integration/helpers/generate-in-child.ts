// Run in a child process by the determinism test: loads the fixture with one adapter and prints one generation as JSON.
import { ModelRuntime } from '../../../daemon/src/runtime/model-runtime.js';
import { ACTION_SCHEMA, PROMPT } from './runtime-fixture.js';

const [modelPath, adapterPath, seed, temperature] = process.argv.slice(2);
const loaded = await ModelRuntime.load({
  modelPath: modelPath!, contextSize: 1024,
  adapters: { worker: { path: adapterPath!, version: 1, sha256: 'child' } },
});
if (!loaded.ok) throw new Error(loaded.error.message);
const result = await loaded.value.generate({ role: 'worker', messages: PROMPT, schema: ACTION_SCHEMA, maxTokens: 48, seed: Number(seed), temperature: Number(temperature) });
await loaded.value.dispose();
process.stdout.write(JSON.stringify({ text: result.text }) + '\n');

// Shared set-up for the runtime's integration tests: the tiny fixture model in a temp dir,
// one llama.cpp backend per test file, and the prompt and schema every test generates with.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatTurn } from '../../../daemon/src/agents/ports.js';
import type { Role } from '../../../daemon/src/protocol/types.js';
import { writeFixtureModel, type FixtureFiles } from '../../../daemon/src/runtime/fixture-model.js';
import { startLlama, type LlamaBackend } from '../../../daemon/src/runtime/llama-backend.js';
import { ModelRuntime } from '../../../daemon/src/runtime/model-runtime.js';
import type { AdapterVersion } from '../../../daemon/src/runtime/role-context.js';
import { chooseThreads } from '../../../daemon/src/runtime/thread-count.js';

export const ACTION_SCHEMA = {
  type: 'object',
  properties: {
    tool: { enum: ['delegate', 'accept', 'finish'] },
    args: { type: 'object', properties: { note: { type: 'string', maxLength: 12 } } },
  },
};

export const PROMPT: ChatTurn[] = [
  { role: 'system', content: 'You are the orchestrator. Break the task into subtasks and delegate each one.' },
  { role: 'user', content: 'Add a --verbose flag to the CLI.' },
];

export interface RuntimeFixture {
  dir: string;
  files: FixtureFiles;
  backend: LlamaBackend;
  adapter(role: Role, version?: number): AdapterVersion;
  /** contextSize: tokens per role context (1024 unless a test needs room for a real prompt). */
  load(adapters: Partial<Record<Role, AdapterVersion | null>>, contextSize?: number): Promise<ModelRuntime>;
  close(): Promise<void>;
}

export async function makeRuntimeFixture(seed = 5): Promise<RuntimeFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'tandem-runtime-'));
  const files = await writeFixtureModel(dir, { preset: 'tiny', seed });
  const backend = await startLlama(chooseThreads().threads);
  const loaded: ModelRuntime[] = [];
  return {
    dir, files, backend,
    adapter: (role, version = 1) => ({ path: files.adapters[role], version, sha256: `${role}-v${version}` }),
    async load(adapters, contextSize = 1024) {
      const result = await ModelRuntime.load({ modelPath: files.modelPath, contextSize, adapters, backend });
      if (!result.ok) throw new Error(result.error.message);
      loaded.push(result.value);
      return result.value;
    },
    async close() {
      for (const runtime of loaded) await runtime.dispose();
      await backend.llama.dispose();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// Shared set-up for the runtime's integration tests: the tiny fixture model in a temp dir (on the toy
// vocabulary, on Qwen2's real one, or llama-tiny's converted base model with random adapters of its
// shapes), one llama.cpp backend per test file, and the prompt and schema every test generates with.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChatTurn } from '../../../daemon/src/agents/ports.js';
import type { Role } from '../../../daemon/src/protocol/types.js';
import { writeFixtureAdapter } from '../../../daemon/src/runtime/fixture-adapter.js';
import { adapterTargets, writeFixtureModel, type FixtureFiles } from '../../../daemon/src/runtime/fixture-model.js';
import { FIXTURE_DIMS } from '../../../daemon/src/runtime/fixture-presets.js';
import { realVocabFixture } from '../../support/real-vocab.js';
import { startLlama, type LlamaBackend } from '../../../daemon/src/runtime/llama-backend.js';
import { ModelRuntime, type ModelRuntimeOptions } from '../../../daemon/src/runtime/model-runtime.js';
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
  load(adapters: Partial<Record<Role, AdapterVersion | null>>, contextSize?: number, options?: Pick<ModelRuntimeOptions, 'actionDecoding' | 'actionScript'>): Promise<ModelRuntime>;
  close(): Promise<void>;
}

/** Which tokenizer and chat template the model has: the project's toy one, Qwen2's, or llama-tiny's (SentencePiece, from transformers). */
export type FixtureVocabulary = 'toy' | 'qwen2' | 'llama-tiny';
export const REAL_VOCABULARIES: readonly FixtureVocabulary[] = ['qwen2', 'llama-tiny'];

export async function makeRuntimeFixture(seed = 5, vocabulary: FixtureVocabulary = 'toy'): Promise<RuntimeFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'tandem-runtime-'));
  const files = vocabulary === 'toy' ? await writeFixtureModel(dir, { preset: 'tiny', seed })
    : vocabulary === 'qwen2' ? await realVocabFixture('qwen2', { seed })
    : await llamaTinyWithAdapters(dir, seed);
  const backend = await startLlama(chooseThreads().threads);
  const loaded: ModelRuntime[] = [];
  return {
    dir, files, backend,
    adapter: (role, version = 1) => ({ path: files.adapters[role], version, sha256: `${role}-v${version}` }),
    async load(adapters, contextSize = 1024, options = {}) {
      const result = await ModelRuntime.load({ modelPath: files.modelPath, contextSize, adapters, backend, ...options });
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

/** llama.cpp's conversion of a transformers model (../shared/interop/llama-tiny): it has the tiny preset's shapes, so the fixture's random adapters fit it. */
export const LLAMA_TINY_BASE = fileURLToPath(new URL('../../../../shared/interop/llama-tiny/base.gguf', import.meta.url));

async function llamaTinyWithAdapters(dir: string, seed: number): Promise<FixtureFiles> {
  const targets = adapterTargets(FIXTURE_DIMS.tiny, 514);
  const adapters = {
    orchestrator: join(dir, 'llama-tiny.orchestrator.lora.gguf'), worker: join(dir, 'llama-tiny.worker.lora.gguf'), critic: join(dir, 'llama-tiny.critic.lora.gguf'),
  };
  for (const [index, role] of (['orchestrator', 'worker', 'critic'] as const).entries()) {
    const rank = FIXTURE_DIMS.tiny.ranks[role];
    await writeFixtureAdapter(adapters[role], { name: `llama-tiny-${role}`, seed: seed * 31 + index + 1, rank, alpha: 2 * rank, targets });
  }
  return { modelPath: LLAMA_TINY_BASE, adapters };
}

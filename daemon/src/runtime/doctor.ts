// `tandem doctor`: proves an install works in seconds with no download. It reports the llama.cpp
// backend, the GPU (devices, VRAM, layers, or why none is used and the fix), threads and memory, makes
// the fixture model in a temp dir, warms it up as the daemon does, and generates with each role.
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, freemem, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { GpuStatus, WarmupStatus } from '../protocol/gpu-status.js';
import { ROLES, type AdapterRef, type Role } from '../protocol/types.js';
import { writeFixtureModel } from './fixture-model.js';
import { memorySettings } from './gpu-settings.js';
import { ModelRuntime } from './model-runtime.js';
import { chooseThreads, type ThreadChoice } from './thread-count.js';

export interface DoctorGeneration {
  role: Role;
  adapter: AdapterRef;
  ok: boolean;
  /** The action parsed as JSON under the grammar. */
  parsed: boolean;
  tokensOut: number;
  latencyMs: number;
  text: string;
}

export interface DoctorReport {
  ok: boolean;
  backend: string | null;
  /** Null when llama.cpp did not start. */
  gpu: GpuStatus | null;
  /** The warm-up the daemon also does after loading (on a GPU: compiling its kernels), before the probes. */
  warmup: WarmupStatus | null;
  threads: ThreadChoice & { cores: number };
  memory: { totalMb: number; freeMb: number; rssMb: number };
  generations: DoctorGeneration[];
  /** The two adapters gave different output from the same prompt: they are really applied. */
  adaptersDiffer: boolean | null;
  problems: string[];
}

/** Enough tokens for the probe action to close even when a random model spells its note in byte tokens. */
export const PROBE_MAX_TOKENS = 96;

const PROBE_SCHEMA = {
  type: 'object',
  properties: { tool: { enum: ['delegate', 'finish'] }, args: { type: 'object', properties: { note: { type: 'string', maxLength: 8 } } } },
};

export async function runDoctor(options: { threads?: number | null } = {}): Promise<DoctorReport> {
  const problems: string[] = [];
  let threads: ThreadChoice;
  try {
    threads = chooseThreads(options.threads);
  } catch (error) {
    problems.push((error as Error).message);
    threads = chooseThreads(null, {});
  }
  const report: DoctorReport = {
    ok: false, backend: null, gpu: null, warmup: null, threads: { ...threads, cores: availableParallelism() },
    memory: { totalMb: mb(totalmem()), freeMb: mb(freemem()), rssMb: 0 }, generations: [], adaptersDiffer: null, problems,
  };
  const dir = await mkdtemp(join(tmpdir(), 'tandem-doctor-'));
  try {
    const fixture = await writeFixtureModel(dir, { preset: 'tiny', seed: 1 });
    const loaded = await ModelRuntime.load({
      modelPath: fixture.modelPath, threads: threads.threads, contextSize: 1024, gpuLayers: gpuLayersFromEnv(problems),
      adapters: {
        orchestrator: { path: fixture.adapters.orchestrator, version: 1, sha256: 'fixture' },
        worker: { path: fixture.adapters.worker, version: 1, sha256: 'fixture' },
      },
    });
    if (!loaded.ok) {
      problems.push(loaded.error.message);
      return report;
    }
    const runtime = loaded.value;
    try {
      report.backend = runtime.status().backend;
      report.gpu = await runtime.gpuStatus();
      report.warmup = await runtime.warmUp();
      if (report.warmup.state === 'failed') problems.push(`the warm-up failed: ${report.warmup.error}`);
      for (const role of ROLES) report.generations.push(await probe(runtime, role, problems));
      const [first, second] = report.generations;
      report.adaptersDiffer = Boolean(first && second && first.text !== second.text);
      if (!report.adaptersDiffer) problems.push('the orchestrator and worker adapters gave the same output: adapters may not be applied');
    } finally {
      report.memory.rssMb = mb(process.memoryUsage().rss);
      await runtime.dispose();
    }
  } catch (error) {
    problems.push((error as Error).message);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  report.ok = problems.length === 0;
  return report;
}

async function probe(runtime: ModelRuntime, role: Role, problems: string[]): Promise<DoctorGeneration> {
  const result = await runtime.generate({
    role, schema: PROBE_SCHEMA, maxTokens: PROBE_MAX_TOKENS, temperature: 0, seed: 1,
    messages: [{ role: 'system', content: `You are the ${role}.` }, { role: 'user', content: 'Say which tool comes next.' }],
  });
  const parsed = result.action !== null;
  if (result.tokensOut === 0) problems.push(`the ${role} generated no tokens`);
  return { role, adapter: result.adapter, ok: result.tokensOut > 0, parsed, tokensOut: result.tokensOut, latencyMs: Math.round(result.latencyMs), text: result.text };
}

/** TANDEM_GPU_LAYERS as the daemon reads it; a bad value is a problem and the default is used. */
function gpuLayersFromEnv(problems: string[]) {
  try {
    return memorySettings({}).gpuLayers;
  } catch (error) {
    problems.push((error as Error).message);
    return 'auto' as const;
  }
}

function mb(bytes: number): number {
  return Math.round(bytes / 1024 / 1024);
}

// CLI commands of the model runtime: writing the fixture model, and checking an install with it.
import { resolve } from 'node:path';
import { PROBE_MAX_TOKENS, runDoctor, type DoctorReport } from '../runtime/doctor.js';
import { FIXTURE_ARCHS, writeFixtureModel, type FixtureArch } from '../runtime/fixture-model.js';
import { FIXTURE_PRESETS, type FixturePreset } from '../runtime/fixture-presets.js';
import { readFixtureTokenizer } from '../runtime/fixture-tokenizer.js';
import { findSandbox, NO_SANDBOX_ADVICE } from '../agents/tools/command-sandbox.js';
import { tandemPaths } from '../paths.js';
import { checkConfiguredModel } from '../services/configured-model-check.js';
import type { CliCommand } from './command.js';
import { DOCTOR_HEADING, gpuLines } from './gpu-lines.js';

const modelsFixture: CliCommand = {
  name: 'models fixture',
  usage: 'models fixture --out DIR [--preset tiny|bench|large] [--seed N] [--vocab FILE.gguf] [--arch llama|qwen2] [--json]',
  summary: "Write the project's random-weight test model and its orchestrator and worker LoRA adapters (--vocab: around a real model's tokenizer and chat template)",
  options: { out: { type: 'string' }, preset: { type: 'string' }, seed: { type: 'string' }, vocab: { type: 'string' }, arch: { type: 'string' } },
  async run({ values }) {
    const out = values.out;
    const preset = (values.preset ?? 'tiny') as FixturePreset;
    const seed = values.seed === undefined ? 1 : Number(values.seed);
    if (typeof out !== 'string' || !out) return usageError('--out DIR is required');
    if (!FIXTURE_PRESETS.includes(preset)) return usageError(`--preset must be one of ${FIXTURE_PRESETS.join(', ')} (got ${String(preset)})`);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) return usageError(`--seed must be a whole number from 0 to 4294967295 (got ${String(values.seed)})`);
    const arch = (values.arch ?? 'llama') as FixtureArch;
    if (!FIXTURE_ARCHS.includes(arch)) return usageError(`--arch must be one of ${FIXTURE_ARCHS.join(', ')} (got ${String(arch)})`);
    let tokenizer;
    if (typeof values.vocab === 'string') {
      try {
        tokenizer = await readFixtureTokenizer(resolve(values.vocab));
      } catch (error) {
        return usageError(`--vocab ${values.vocab}: ${(error as Error).message}`);
      }
    }
    const files = await writeFixtureModel(resolve(out), { preset, seed, arch, ...(tokenizer ? { tokenizer } : {}) });
    const vocab = tokenizer ? `${tokenizer.label}, ${tokenizer.vocabSize} tokens` : 'toy';
    if (values.json) {
      console.log(JSON.stringify({ preset, seed, arch, vocab, ...files }));
    } else {
      console.log(`Wrote the ${preset} fixture model (${arch}, ${vocab} vocabulary, seed ${seed}). Its weights are random: its output means nothing.`);
      console.log(`  model         ${files.modelPath}`);
      console.log(`  orchestrator  ${files.adapters.orchestrator}`);
      console.log(`  worker        ${files.adapters.worker}`);
    }
    return 0;
  },
};

const doctor: CliCommand = {
  name: 'doctor',
  usage: 'doctor [--threads N] [--json]',
  summary: 'Check that llama.cpp runs here: backend, GPU (or why none is used), threads, memory, a generation with each adapter',
  options: { threads: { type: 'string' } },
  async run({ values }) {
    const threads = values.threads === undefined ? null : Number(values.threads);
    if (process.stderr.isTTY && !values.json) process.stderr.write('Checking llama.cpp with the fixture model...\n');
    const report: DoctorReport & { model?: unknown; sandbox?: string } = await runDoctor({ threads });
    const model = await checkConfiguredModel(tandemPaths());
    report.model = model;
    if (model.problem) { report.problems.push(model.problem); report.ok = false; }
    const sandbox = findSandbox();
    report.sandbox = sandbox.kind === 'bubblewrap' ? `bubblewrap (${sandbox.program})` : sandbox.kind === 'unsandboxed' ? 'off (TANDEM_UNSANDBOXED_COMMANDS=1)' : `none: ${sandbox.reason}; allowed commands are refused until you ${NO_SANDBOX_ADVICE}`;
    console.log(values.json ? JSON.stringify(report) : formatDoctorReport(report));
    return report.ok ? 0 : 1;
  },
};

export function formatDoctorReport(report: DoctorReport & { sandbox?: string }): string {
  const gib = (mb: number) => `${(mb / 1024).toFixed(1)} GiB`;
  const how = report.threads.source === 'cores' ? `of ${report.threads.cores} cores; set TANDEM_THREADS or --threads to change` : `from ${report.threads.source}`;
  const lines = [
    'Tandem doctor',
    `  backend    ${report.backend ?? 'not started'}`,
    ...(report.gpu ? gpuLines(report.gpu, DOCTOR_HEADING) : []),
    `  threads    ${report.threads.threads} (${how})`,
    `  memory     ${gib(report.memory.totalMb)} total, ${gib(report.memory.freeMb)} free, ${report.memory.rssMb} MiB used by this check`,
  ];
  if (report.warmup) lines.push(`  warm-up    ${report.warmup.label}: ${report.warmup.state === 'failed' ? 'FAILED' : `${report.warmup.ms} ms`} (the daemon does this once after loading)`);
  for (const g of report.generations) {
    const adapter = g.adapter.version === null ? 'base weights' : `adapter v${g.adapter.version}`;
    lines.push(`  ${g.role.padEnd(12)} ${adapter}: ${g.ok ? 'ok' : 'FAILED'}, ${g.tokensOut} tokens in ${g.latencyMs} ms, ${g.parsed ? 'valid JSON action' : `JSON not closed within ${PROBE_MAX_TOKENS} tokens`}`);
  }
  if (report.adaptersDiffer !== null) lines.push(`  adapters   ${report.adaptersDiffer ? 'change the output (each role gets its own)' : 'DO NOT change the output'}`);
  if (report.sandbox) lines.push(`  sandbox    ${report.sandbox}`);
  for (const problem of report.problems) lines.push(`  problem: ${problem}`);
  lines.push(report.ok
    ? 'All checks passed. (The fixture model has random weights, so its text means nothing.)'
    : 'Some checks failed; see the problems above. Run with TANDEM_DEBUG=1 to see llama.cpp\'s log.');
  return lines.join('\n');
}

function usageError(message: string): number {
  console.error(`${message}\nUsage: tandem ${modelsFixture.usage}`);
  return 2;
}

export const runtimeCommands: CliCommand[] = [modelsFixture, doctor];

// `npm run bench -- runtime`: the model runtime on the ~100 MB `bench` fixture.
// swap vs reload: switching role by using the other, already-made context, against disposing the model
// and loading it again with the other adapter (both measured up to the first token); memory of one model
// with two role contexts against two models; runtime generation speed against a plain node-llama-cpp
// loop (both from a cached prompt, timed from the call); how much of a second orchestrator turn's prompt the role's KV cache already held; and what the
// worker's action grammar costs per token on the Qwen2 vocabulary (runtime-grammar.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LlamaChat, LlamaGrammarEvaluationState } from 'node-llama-cpp';
import type { ChatTurn, GenerateRequest } from '../../daemon/src/agents/ports.js';
import { ProgressBar } from '../../daemon/src/cli/progress-bar.js';
import type { Role } from '../../daemon/src/protocol/types.js';
import { toChatHistory } from '../../daemon/src/runtime/chat-history.js';
import { writeFixtureModel, type FixtureFiles } from '../../daemon/src/runtime/fixture-model.js';
import { FIXTURE_PRESETS, type FixturePreset } from '../../daemon/src/runtime/fixture-presets.js';
import { startLlama, type LlamaBackend } from '../../daemon/src/runtime/llama-backend.js';
import { ModelRuntime } from '../../daemon/src/runtime/model-runtime.js';
import { chooseThreads } from '../../daemon/src/runtime/thread-count.js';
import { grammarCost } from './runtime-grammar.js';
import { measureInChild, runMemoryChildIfAsked } from './runtime-memory.js';

const CONTEXT_SIZE = 2048;
const SWAPS = 6;
const RELOADS = 3;
const SPEED_TOKENS = 64;
// Speed runs alternate raw and runtime; the best of each is kept, since other work on a shared machine only ever slows a run down.
const SPEED_PAIRS = 3;
// A string field long enough that speed runs never stop before SPEED_TOKENS.
const SCHEMA = { type: 'object', properties: { tool: { enum: ['delegate', 'finish'] }, args: { type: 'object', properties: { note: { type: 'string', maxLength: 2000 } } } } };
// About the size of a real orchestrator prompt: instructions, tools and a file listing.
const SYSTEM = [
  'You are the orchestrator of a coding agent. Break the task into small subtasks, delegate each to the worker,',
  'read the diff the worker produces, then accept it, send it back with feedback, or finish. Answer with one JSON action.',
  'Tools: delegate(instruction, files), accept(), revise(feedback), finish(summary), give_up(reason).',
  'Repository files:', ...Array.from({ length: 24 }, (_, i) => `src/module-${i}/index.ts  src/module-${i}/index.test.ts`),
].join('\n');
const PROMPT: ChatTurn[] = [{ role: 'system', content: SYSTEM }, { role: 'user', content: 'Add a --verbose flag to the CLI and log each step.' }];

const steps = ['fixture', 'load', 'swap', 'reload', 'speed', 'prefix', 'grammar on the Qwen2 vocabulary', 'memory: two roles', 'memory: two models'];
const bar = new ProgressBar();
const progress = (done: number) => bar.update({ id: 'bench-runtime', title: `runtime bench: ${steps[Math.min(done, steps.length - 1)]}`, done, total: steps.length, unit: 'steps', finished: done === steps.length });

/** `--preset tiny|bench|large` (default bench); the gpu bench passes the fixture it already wrote. */
export async function run(options: { preset?: FixturePreset; files?: FixtureFiles } = {}): Promise<Record<string, number | string>> {
  await runMemoryChildIfAsked(); // in a memory child this reports and exits; it never returns there
  const dir = await mkdtemp(join(tmpdir(), 'tandem-bench-runtime-'));
  try {
    progress(0);
    const files = options.files ?? await writeFixtureModel(dir, { preset: options.preset ?? presetArgument('bench'), seed: 1 });
    progress(1);
    const backend = await startLlama(chooseThreads().threads);
    const loaded = await ModelRuntime.load({ modelPath: files.modelPath, contextSize: CONTEXT_SIZE, backend, adapters: adapterVersions(files) });
    if (!loaded.ok) throw new Error(loaded.error.message);
    const runtime = loaded.value;
    const request = (role: Role, over: Partial<GenerateRequest> = {}): GenerateRequest => ({ role, messages: PROMPT, schema: SCHEMA, maxTokens: 1, ...over });
    for (const role of ['orchestrator', 'worker'] as const) await runtime.generate(request(role)); // each role's cache now holds the prompt
    progress(2);

    const swaps: number[] = [];
    for (let i = 0; i < SWAPS; i++) swaps.push(await timeToFirstToken((onToken) => runtime.generate(request(i % 2 ? 'orchestrator' : 'worker', { onToken }))));
    progress(3);
    const reloads: number[] = [];
    for (let i = 0; i < RELOADS; i++) reloads.push(await naiveReload(backend, files, i % 2 ? 'orchestrator' : 'worker'));
    progress(4);

    const runtimeSpeeds: number[] = [];
    const rawSpeeds: number[] = [];
    for (let i = 0; i < SPEED_PAIRS; i++) {
      rawSpeeds.push(await rawLoopSpeed(backend, files));
      runtimeSpeeds.push(await runtimeSpeed(() => runtime.generate(request('worker', { maxTokens: SPEED_TOKENS }))));
    }
    progress(5);

    const first = await runtime.generate(request('orchestrator', { maxTokens: 32, schema: { ...SCHEMA, properties: { ...SCHEMA.properties, args: { type: 'object', properties: { note: { type: 'string', maxLength: 24 } } } } } }));
    const secondTurn = [...PROMPT, { role: 'assistant' as const, content: first.text }, { role: 'tool' as const, content: 'diff --git a/src/cli.ts b/src/cli.ts\n+  verbose: boolean;' }];
    const second = await runtime.generate(request('orchestrator', { messages: secondTurn }));
    progress(6);
    const status = runtime.status();
    await runtime.dispose();
    const grammar = await grammarCost(backend, PROMPT);
    progress(7);
    await backend.llama.dispose();

    const roles = await measureInChild('two-roles', files, CONTEXT_SIZE);
    progress(8);
    const models = await measureInChild('two-models', files, CONTEXT_SIZE);
    progress(9);

    const swap = median(swaps);
    const reload = median(reloads);
    const rolesMb = roles.loadedMb - roles.baselineMb;
    const modelsMb = models.loadedMb - models.baselineMb;
    const raw = Math.max(...rawSpeeds);
    const viaRuntime = Math.max(...runtimeSpeeds);
    return {
      backend: status.backend,
      threads: status.threads,
      model_mb: round(status.model.sizeBytes / 1024 / 1024),
      prompt_tokens: second.tokensIn,
      swap_ms_median: round(swap),
      reload_ms_median: round(reload),
      swap_vs_reload: round(reload / swap),
      memory_source: roles.source, // vram on a GPU, rss on the CPU
      [`${roles.source}_baseline_mb`]: round(roles.baselineMb),
      [`${roles.source}_two_roles_mb`]: round(rolesMb),
      [`${roles.source}_two_models_mb`]: round(modelsMb),
      memory_ratio: round(rolesMb / modelsMb, 3),
      tokens_per_s_raw: round(raw),
      tokens_per_s_runtime: round(viaRuntime),
      runtime_vs_raw: round(viaRuntime / raw, 3),
      prefix_reuse: round(second.tokensReused / second.tokensIn, 3),
      ...grammar,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The value of `--preset NAME` on the command line, if any. */
export function presetArgument(fallback: FixturePreset): FixturePreset {
  const at = process.argv.indexOf('--preset');
  const value = at >= 0 ? process.argv[at + 1] : undefined;
  if (value === undefined) return fallback;
  if (!FIXTURE_PRESETS.includes(value as FixturePreset)) throw new Error(`--preset must be one of ${FIXTURE_PRESETS.join(', ')} (got ${value})`);
  return value as FixturePreset;
}

/** The naive way to switch role: dispose the model, load it again with the other adapter, evaluate the prompt. */
async function naiveReload(backend: LlamaBackend, files: FixtureFiles, role: Role): Promise<number> {
  const started = performance.now();
  const model = await backend.llama.loadModel({ modelPath: files.modelPath });
  const context = await model.createContext({ contextSize: CONTEXT_SIZE, threads: backend.threads, lora: { adapters: [{ filePath: files.adapters[role] }] } });
  const chat = new LlamaChat({ contextSequence: context.getSequence() });
  const grammar = await backend.llama.createGrammarForJsonSchema(SCHEMA as never);
  let firstToken = 0;
  await chat.generateResponse(toChatHistory(PROMPT), { grammar, maxTokens: 1, temperature: 0, repeatPenalty: false, onToken: () => { firstToken ||= performance.now(); } });
  chat.dispose();
  await context.dispose();
  await model.dispose();
  return firstToken - started;
}

/** A plain node-llama-cpp loop: the same prompt tokens, adapter, grammar and greedy sampling, no runtime around it. */
async function rawLoopSpeed(backend: LlamaBackend, files: FixtureFiles): Promise<number> {
  const model = await backend.llama.loadModel({ modelPath: files.modelPath });
  const context = await model.createContext({ contextSize: CONTEXT_SIZE, threads: backend.threads, lora: { adapters: [{ filePath: files.adapters.worker }] } });
  const chat = new LlamaChat({ contextSequence: context.getSequence() });
  const tokens = chat.chatWrapper.generateContextState({ chatHistory: [...toChatHistory(PROMPT), { type: 'model', response: [] }] }).contextText.tokenize(model.tokenizer);
  const grammar = await backend.llama.createGrammarForJsonSchema(SCHEMA as never);
  const grammarEvaluationState = new LlamaGrammarEvaluationState({ model, grammar });
  // As the runtime finds it on a second turn: the prompt in the cache but its last token.
  await chat.sequence.evaluateWithoutGeneratingNewTokens(tokens.slice(0, -1));
  const started = performance.now();
  let n = 0;
  for await (const token of chat.sequence.evaluate(tokens.slice(-1), { temperature: 0, grammarEvaluationState })) {
    void model.detokenize([token]);
    if (++n >= SPEED_TOKENS) break;
  }
  const speed = n / ((performance.now() - started) / 1000);
  chat.dispose({ disposeSequence: true });
  await context.dispose();
  await model.dispose();
  return speed;
}

/**
 * Tokens per second of one runtime generation whose prompt the role's cache already holds, from the call
 * to its end (the runtime's decoder streams forced text before it evaluates anything, so the time
 * between streamed chunks would not say how long the tokens took).
 */
async function runtimeSpeed(generate: () => Promise<{ tokensOut: number }>): Promise<number> {
  const started = performance.now();
  const { tokensOut } = await generate();
  if (tokensOut < 2) throw new Error('the speed run produced fewer than 2 tokens');
  return tokensOut / ((performance.now() - started) / 1000);
}

async function timeToFirstToken(generate: (onToken: () => void) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  let first = 0;
  await generate(() => { first ||= performance.now(); });
  return first - started;
}

function adapterVersions(files: FixtureFiles) {
  return { orchestrator: { path: files.adapters.orchestrator, version: 1, sha256: 'orchestrator' }, worker: { path: files.adapters.worker, version: 1, sha256: 'worker' } };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return Number.isInteger(mid) ? (sorted[mid - 1]! + sorted[mid]!) / 2 : sorted[Math.floor(mid)]!;
}

function round(n: number, digits = 1): number {
  return Number(n.toFixed(digits));
}

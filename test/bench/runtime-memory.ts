// Memory of the two designs, each measured in a child process of its own so neither pollutes the other:
// one model with two role contexts (Tandem's way) against two separately loaded models. On a GPU the
// model and contexts live in VRAM, which the process's RSS does not show: there, VRAM used is measured
// (node-llama-cpp's VRAM state); on the CPU, RSS.
import { fork } from 'node:child_process';
import { copyFile } from 'node:fs/promises';
import { LlamaChat } from 'node-llama-cpp';
import type { ChatTurn } from '../../daemon/src/agents/ports.js';
import { toChatHistory } from '../../daemon/src/runtime/chat-history.js';
import type { FixtureFiles } from '../../daemon/src/runtime/fixture-model.js';
import { startLlama } from '../../daemon/src/runtime/llama-backend.js';
import { ModelRuntime } from '../../daemon/src/runtime/model-runtime.js';
import { chooseThreads } from '../../daemon/src/runtime/thread-count.js';

export type MemoryDesign = 'two-roles' | 'two-models';
export interface MemoryFigures { baselineMb: number; loadedMb: number; source: 'vram' | 'rss' }

const CHILD_ENV = 'TANDEM_BENCH_MEMORY';
const SCHEMA = { type: 'object', properties: { tool: { enum: ['a', 'b'] } } };
const MESSAGES: ChatTurn[] = [{ role: 'system', content: 'You are a coding agent.' }, { role: 'user', content: 'hello' }];
const rssMb = () => process.memoryUsage().rss / 1024 / 1024;

/** Runs one design in a fresh process (this same benchmark entry point, in child mode) and returns its figures. */
export async function measureInChild(design: MemoryDesign, files: FixtureFiles, contextSize: number): Promise<MemoryFigures> {
  // Two models means two files: the copy shares no page cache with the original, as a second real model would not.
  const second = `${files.modelPath}.second.gguf`;
  if (design === 'two-models') await copyFile(files.modelPath, second);
  const child = fork(process.argv[1]!, process.argv.slice(2), {
    env: { ...process.env, [CHILD_ENV]: JSON.stringify({ design, files, second, contextSize }) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (figures) => resolve(figures as MemoryFigures));
    child.once('exit', (code) => reject(new Error(`the ${design} memory child exited with ${code} before reporting`)));
  });
}

/** In a memory child: measure, report to the parent and exit (never returns). In the parent: returns at once. */
export async function runMemoryChildIfAsked(): Promise<void> {
  const job = process.env[CHILD_ENV];
  if (!job) return;
  const { design, files, second, contextSize } = JSON.parse(job) as { design: MemoryDesign; files: FixtureFiles; second: string; contextSize: number };
  const backend = await startLlama(chooseThreads().threads);
  const source = backend.backend === 'cpu' || (await backend.llama.getGpuDeviceNames()).length === 0 ? 'rss' : 'vram';
  const usedMb = async () => (source === 'vram' ? (await backend.llama.getVramState()).used / 1024 / 1024 : rssMb());
  const baselineMb = await usedMb();
  if (design === 'two-roles') {
    const loaded = await ModelRuntime.load({
      modelPath: files.modelPath, contextSize, backend, modelSha256: 'bench',
      adapters: { orchestrator: { path: files.adapters.orchestrator, version: 1, sha256: 'o' }, worker: { path: files.adapters.worker, version: 1, sha256: 'w' } },
    });
    if (!loaded.ok) throw new Error(loaded.error.message);
    for (const role of ['orchestrator', 'worker'] as const) {
      await loaded.value.generate({ role, messages: MESSAGES, schema: SCHEMA, maxTokens: 8 });
    }
  } else {
    // The same generation path as the runtime's (chat wrapper, grammar), so only the design differs.
    const grammar = await backend.llama.createGrammarForJsonSchema(SCHEMA as never);
    const kept: LlamaChat[] = [];
    for (const [path, adapter] of [[files.modelPath, files.adapters.orchestrator], [second, files.adapters.worker]] as const) {
      const model = await backend.llama.loadModel({ modelPath: path });
      const context = await model.createContext({ contextSize, threads: backend.threads, lora: { adapters: [{ filePath: adapter }] } });
      const chat = new LlamaChat({ contextSequence: context.getSequence() });
      await chat.generateResponse(toChatHistory(MESSAGES), { grammar, maxTokens: 8, temperature: 0, repeatPenalty: false });
      kept.push(chat);
    }
  }
  process.send!({ baselineMb, loadedMb: await usedMb(), source } satisfies MemoryFigures, () => process.exit(0));
  await new Promise(() => undefined);
}

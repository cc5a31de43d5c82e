// Warm start: right after loading, run one short generation per role, so what the first real generation
// needs is ready before a task asks. On Vulkan that is compiling the GPU pipelines, which took 9.5-13.8 s
// on first use in a fresh process (../shared/GPU.md); on the CPU it faults the model's pages in and
// builds the grammar. A generation that arrives meanwhile waits for the whole warm-up (ModelRuntime.generate)
// rather than compiling the same kernels beside it.
import type { GenerateRequest } from '../agents/ports.js';
import type { WarmupStatus } from '../protocol/gpu-status.js';
import type { Role } from '../protocol/types.js';

/**
 * On a GPU, longer than llama.cpp's batch (512), so both the batched prompt kernels and the one-token
 * generation kernels get compiled; cut to half the context when that is smaller. On the CPU there is
 * nothing to compile: a short prompt pages the weights in and builds the grammar, without keeping a
 * large model busy for seconds.
 */
export const WARM_UP_PROMPT_TOKENS = { gpu: 600, cpu: 16 };
const WARM_UP_ANSWER_TOKENS = 4;
const SCHEMA = { type: 'object', properties: { tool: { enum: ['delegate', 'finish'] } } };
const FILLER = 'export function add(a: number, b: number): number { return a + b; } // src/math.ts\n';

export interface WarmUpTarget {
  /** 'cpu' or a GPU backend name: it decides what the status bar says. */
  backend: string;
  /** The roles whose contexts are loaded; an on-demand role (the critic) is not opened just to warm it. */
  roles: readonly Role[];
  contextSize(role: Role): number;
  countTokens(text: string): number;
  generate(request: GenerateRequest): Promise<unknown>;
}

export function warmUpLabel(backend: string): string {
  return backend === 'cpu' ? 'warming up the model on the CPU' : 'preparing GPU kernels';
}

export class WarmUp {
  private state: WarmupStatus | null = null;
  private running: Promise<WarmupStatus> | null = null;

  /** Null until start(); then preparing, ready or failed. */
  get status(): WarmupStatus | null {
    return this.state && { ...this.state };
  }

  /** The warm-up while it runs (what a generation waits for), else null: no wait, not even a tick. */
  get pending(): Promise<WarmupStatus> | null {
    return this.state?.state === 'preparing' ? this.running : null;
  }

  /** Runs the warm-up once; later calls return the same outcome. It never throws: a failed warm-up only costs the first task. */
  start(target: WarmUpTarget): Promise<WarmupStatus> {
    if (this.running) return this.running;
    const label = warmUpLabel(target.backend);
    this.state = { state: 'preparing', label, ms: null, error: null };
    const started = performance.now();
    this.running = (async () => {
      try {
        for (const role of target.roles) await target.generate(warmUpRequest(target, role));
        this.state = { state: 'ready', label, ms: Math.round(performance.now() - started), error: null };
      } catch (error) {
        this.state = { state: 'failed', label, ms: Math.round(performance.now() - started), error: (error as Error).message };
      }
      return this.status!;
    })();
    return this.running;
  }
}

function warmUpRequest(target: WarmUpTarget, role: Role): GenerateRequest {
  const tokens = Math.min(WARM_UP_PROMPT_TOKENS[target.backend === 'cpu' ? 'cpu' : 'gpu'], Math.floor(target.contextSize(role) / 2));
  const perLine = Math.max(1, target.countTokens(FILLER));
  const code = FILLER.repeat(Math.max(1, Math.floor(tokens / perLine)));
  return {
    role, schema: SCHEMA, maxTokens: WARM_UP_ANSWER_TOKENS, temperature: 0,
    messages: [{ role: 'system', content: `You are the ${role}.` }, { role: 'user', content: `Which tool comes next for this file?\n${code}` }],
  };
}

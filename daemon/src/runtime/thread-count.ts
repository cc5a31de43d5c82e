// How many threads llama.cpp evaluates with. node-llama-cpp defaults to at least 4, and on a 2-core
// machine that oversubscription made generation 200-600x slower than 1 thread. llama.cpp's threads
// spin-wait for each other, so one preempted thread stalls them all: the count is the cores this
// process may use minus one, left for the event loop and the editor, unless the user says otherwise.
// (Measured on a busy 2-core box: 2 threads took 24 s for a generation that 1 thread did in 0.3 s.)
import { availableParallelism } from 'node:os';

export interface ThreadChoice {
  threads: number;
  source: 'option' | 'TANDEM_THREADS' | 'cores';
}

export function chooseThreads(override?: number | null, env: NodeJS.ProcessEnv = process.env): ThreadChoice {
  if (override !== undefined && override !== null) return { threads: positive(override, 'the threads option'), source: 'option' };
  if (env.TANDEM_THREADS) return { threads: positive(Number(env.TANDEM_THREADS), 'TANDEM_THREADS'), source: 'TANDEM_THREADS' };
  return { threads: Math.max(1, availableParallelism() - 1), source: 'cores' };
}

function positive(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${what} must be a whole number of threads, 1 or more (got ${n})`);
  return n;
}

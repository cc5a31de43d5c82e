// Constructed variety for the agents fuzz: which of a task's first actions are chosen rather than sampled.
// A random-weight model delegates, and writes a worker action out in full, only when a seed happens to make
// it; here a share of the tasks is steered into the worker's path (and into each worker tool, hostile paths
// included), and the model's own sampling takes over after. The paths are within the fixture's field limits.
import type { Steering } from './steered-model.js';

type Action = { tool: string; args: Record<string, unknown> };

const DELEGATE: Action = { tool: 'delegate', args: { instruction: 'Greet with hello', files: ['src/greet.js'] } };

/** One first worker action per task, in turn: every tool, and the refusals the tools must make. */
export const FIRST_WORKER_ACTIONS: Action[] = [
  { tool: 'list_files', args: { path: '.' } },
  { tool: 'read_file', args: { path: 'README.md' } },
  { tool: 'search', args: { query: 'greet' } },
  { tool: 'write_file', args: { path: 'notes.txt', content: 'fuzz\n' } },
  { tool: 'edit_file', args: { path: 'src/greet.js', search: 'hi ${name}', replace: 'hello ${name}' } },
  { tool: 'run', args: { command: 'echo ok' } },
  { tool: 'write_file', args: { path: '../x.txt', content: 'escape\n' } },
  { tool: 'read_file', args: { path: '.git/config' } },
  { tool: 'done', args: { summary: 'nothing to do' } },
];

/** The kinds of task, in turn (the test cycles the temperature by index / 4, so each kind meets every one). */
export type FuzzKind = 'sampled' | 'delegated' | 'worker-tool' | 'worker-done';

export function fuzzKind(index: number): FuzzKind {
  return (['sampled', 'delegated', 'worker-tool', 'worker-done'] as const)[index % 4]!;
}

/**
 * - sampled: every action is the model's.
 * - delegated: the first orchestrator action delegates; the worker and the rest are sampled.
 * - worker-tool: also the worker's first action is chosen (FIRST_WORKER_ACTIONS in turn).
 * - worker-done: the worker writes a file and is done; the orchestrator then judges its report at random.
 */
export function fuzzSteering(index: number): Steering {
  const kind = fuzzKind(index);
  if (kind === 'sampled') return {};
  const orchestrator = (call: number) => (call === 0 ? DELEGATE : undefined);
  if (kind === 'delegated') return { orchestrator };
  if (kind === 'worker-tool') {
    const first = FIRST_WORKER_ACTIONS[Math.floor(index / 4) % FIRST_WORKER_ACTIONS.length]!;
    return { orchestrator, worker: (call) => (call === 0 ? first : undefined) };
  }
  return {
    orchestrator,
    worker: (call) => [
      { tool: 'write_file', args: { path: 'notes.txt', content: 'fuzz\n' } },
      { tool: 'done', args: { summary: 'wrote notes' } },
    ][call],
  };
}

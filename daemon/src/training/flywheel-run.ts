// The flywheel's training settings and its "did it learn" measure, shared by the loop test
// (flywheel-loop.test.ts), `npm run bench -- loop` and `tandem demo --loop`, so all three turn the same loop and judge it alike.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../store/open-store.js';
import { initFlywheelRepo } from './flywheel-repo.js';

/** Tasks no training example came from: new work for the running daemon, before and after the hot-swap. */
export const HELD_OUT_PROMPTS = ['Write a note that the build passed.', 'Leave a checked marker for reviewers.', 'Add a status note to the repo.'];

/** The split `tandem train` trains and evaluates on; `adapters promote` must be given the same. */
export const FLYWHEEL_SPLIT = '0.75';

/**
 * `tandem train` options for llama-tiny on 2 CPU cores (~4 CPU-minutes). At 3e-3, TRL's loss was still falling
 * steeply after 40 steps (0.52 nats per answer token, held-out NLL 0.63): enough to pass the NLL gate, not for a
 * greedy decode of the instruction to come out whole. At 1e-2 each piece comes right given the one before it,
 * which the approved answers are built to need (flywheel-demonstrations.ts); but every string value opens after
 * the same piece `":"`, so the instruction's first piece must be settled by the key before it: 40 steps left it a
 * guess in 2 of 3 new tasks, 80 in 1 of 3, 120 in none. Affordable because the CPU trains without TRL's default
 * gradient checkpointing (train-script.ts).
 */
export const FLYWHEEL_TRAIN_ARGS = ['--split', FLYWHEEL_SPLIT, '--steps', '120', '--batch', '4', '--lr', '1e-2', '--threads', '2'];

export interface CliRun { code: number; stdout: string; stderr: string }
export type Cli = (...args: string[]) => Promise<CliRun>;

export interface HeldOutRun {
  /** Share of the held-out tasks whose first orchestrator action follows the approved behaviour. */
  share: number;
  /** Each task's first orchestrator action as generated (or why there was none), for failure messages. */
  firstActions: string[];
}

/** Runs the held-out prompts as new tasks on the running daemon, each in a fresh repo under `dir`. */
export async function runHeldOutTasks(cli: Cli, database: string, dir: string): Promise<HeldOutRun> {
  const firstActions: string[] = [];
  let following = 0;
  for (const [i, prompt] of HELD_OUT_PROMPTS.entries()) {
    const repo = join(dir, `task-${i}`);
    mkdirSync(repo, { recursive: true });
    initFlywheelRepo(repo, { 'README.md': '# Held out\n' });
    const run = await cli('run', '--repo', repo, prompt, '--json');
    if (run.code !== 0 && run.code !== 1) throw new Error(`tandem run failed (exit ${run.code}): ${run.stderr}`);
    const first = firstOrchestratorOutput(database, repo);
    firstActions.push(first ?? `none (${run.stdout.slice(-300)} ${run.stderr.slice(-300)})`);
    if (first !== undefined && followsApproved(first)) following++;
  }
  return { share: following / HELD_OUT_PROMPTS.length, firstActions };
}

function firstOrchestratorOutput(database: string, repo: string): string | undefined {
  const store = openStore(database);
  try {
    return store.db.prepare(`SELECT b.content FROM steps s JOIN tasks t ON t.id = s.task_id JOIN repos r ON r.id = t.repo_id
      JOIN blobs b ON b.hash = s.output_hash WHERE r.path = ? AND s.role = 'orchestrator' ORDER BY s.id LIMIT 1`).pluck().get(repo) as string | undefined;
  } finally {
    store.close();
  }
}

/**
 * The reviewer approved delegating NOTES.md and rejected TODO.md: a task follows that when its first
 * orchestrator action is a complete delegate whose instruction names NOTES.md and not TODO.md.
 */
export function followsApproved(output: string): boolean {
  try {
    const action = JSON.parse(output) as { tool?: unknown; args?: { instruction?: unknown } };
    const instruction = action.args?.instruction;
    return action.tool === 'delegate' && typeof instruction === 'string' && instruction.includes('NOTES.md') && !instruction.includes('TODO.md');
  } catch {
    return false; // not an action at all: the JSON never closed
  }
}

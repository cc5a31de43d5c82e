// Runs a workspace's train.py with a given Python, turning its TANDEM_PROGRESS lines into progress
// events and its TANDEM_RESULT line into the result. Other output is kept as a tail for the error message.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ProgressEvent } from '../protocol/types.js';
import { probePython, runStreaming } from './python-env.js';

export interface TrainResult {
  adapter_dir: string;
  method: string;
  base: string;
  device: string;
  steps: number;
  train_seconds: number;
  loss_first: number | null;
  loss_last: number | null;
  heldout_examples: number;
  heldout_nll_before: number | null;
  heldout_nll_after: number | null;
}

export class TrainingFailed extends Error {
  constructor(readonly problem: string, message: string) {
    super(message);
    this.name = 'TrainingFailed';
  }
}

export interface RunOptions {
  python: string;
  workspace: string;
  maxSteps?: number;
  /** torch threads; unset: torch's default. One is fastest for a tiny model on a busy machine. */
  threads?: number;
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
}

export async function runTraining(options: RunOptions): Promise<TrainResult> {
  const script = join(options.workspace, 'train.py');
  if (!existsSync(script)) throw new TrainingFailed('not_a_workspace', `${options.workspace} has no train.py; write one with tandem train first.`);
  // Named before torch starts: a missing package is one clear line, not a traceback after a minute.
  const probe = await probePython(options.python);
  if (!probe.ok) throw new TrainingFailed(probe.problem, probe.message);

  let loss: number | undefined;
  const progress = (done: number, total: number, finished = false) =>
    options.onProgress?.({ id: 'train', title: 'Training', done, total, unit: 'steps', ...(loss === undefined ? {} : { loss }), ...(finished ? { finished } : {}) });
  const tail: string[] = [];
  let result: TrainResult | null = null;
  let failure: { problem: string; message: string } | null = null;
  let lastStep = 0;
  let total = options.maxSteps ?? 0;
  const args = [script, ...(options.maxSteps ? ['--max-steps', String(options.maxSteps)] : [])];
  const env = { ...process.env, PYTHONUNBUFFERED: '1', HF_HUB_DISABLE_TELEMETRY: '1', ...(options.threads ? { OMP_NUM_THREADS: String(options.threads), TANDEM_TORCH_THREADS: String(options.threads) } : {}) };
  progress(0, total);
  const code = await runStreaming(options.python, args, (line) => {
    const [tag, ...rest] = line.split(' ');
    const payload = () => JSON.parse(rest.join(' ')) as Record<string, unknown>;
    if (tag === 'TANDEM_PROGRESS') {
      const p = payload();
      lastStep = Number(p.step);
      total = Number(p.total);
      if (typeof p.loss === 'number') loss = p.loss;
      progress(lastStep, total);
    } else if (tag === 'TANDEM_RESULT') {
      result = payload() as unknown as TrainResult;
    } else if (tag === 'TANDEM_ERROR') {
      failure = payload() as { problem: string; message: string };
    } else {
      tail.push(line);
      if (tail.length > 20) tail.shift();
    }
  }, env, options.workspace, options.signal);
  if (failure) throw new TrainingFailed((failure as { problem: string }).problem, (failure as { message: string }).message);
  if (options.signal?.aborted) throw new TrainingFailed('cancelled', 'Training was cancelled; no adapter was imported.');
  if (code !== 0 || !result) {
    throw new TrainingFailed('crashed', `train.py failed (exit ${code}) after ${lastStep} steps. Its last output:\n${tail.join('\n')}`);
  }
  progress(total || lastStep, total || lastStep, true);
  return result;
}

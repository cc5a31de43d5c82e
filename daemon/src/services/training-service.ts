// `tandem/training/run`: the daemon runs `tandem train --run --json` for a role in a child process, so
// training is the CLI's own code and the daemon keeps answering while it runs. The child reports its
// progress as JSON lines on stderr (TANDEM_PROGRESS_LINES), forwarded to the client that asked; its
// import and evaluation come back to this daemon as requests. Cancelling kills the child's process
// group (train.py with it) before anything is imported.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ResponseError, type CancellationToken } from 'vscode-jsonrpc';
import { PROGRESS_LINE } from '../cli/command-output.js';
import { ErrorCodes } from '../protocol/errors.js';
import type { TrainingRunParams, TrainingRunResult } from '../protocol/training.js';
import type { ProgressEvent } from '../protocol/types.js';

const InvalidParams = -32602;

export interface TrainingServiceOptions {
  /** The `tandem` CLI bundle the child runs (dist/daemon/cli.js). */
  cliPath: string;
  env: NodeJS.ProcessEnv;
}

export class TrainingService {
  private readonly running = new Set<ChildProcess>();

  constructor(private readonly options: TrainingServiceOptions) {}

  async run(params: TrainingRunParams, progress: (event: ProgressEvent) => void, token?: CancellationToken): Promise<TrainingRunResult> {
    const args = [this.options.cliPath, 'train', '--role', params.role, '--base', params.base, '--method', params.method ?? 'sft', '--run', '--json'];
    if (params.steps !== undefined) args.push('--steps', String(params.steps));
    if (params.split !== undefined) args.push('--split', String(params.split));
    if (params.fromExport !== undefined) args.push('--from-export', params.fromExport);
    // Its own process group, so a cancel reaches train.py too.
    const child = spawn(process.execPath, args, {
      env: { ...this.options.env, TANDEM_PROGRESS_LINES: '1' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
    });
    this.running.add(child);
    let cancelled = false;
    const cancel = token?.onCancellationRequested(() => {
      cancelled = true;
      killGroup(child);
    });
    const stdout: string[] = [];
    const tail: string[] = [];
    createInterface({ input: child.stdout! }).on('line', (line) => stdout.push(line));
    createInterface({ input: child.stderr! }).on('line', (line) => {
      if (line.startsWith(`${PROGRESS_LINE} `)) {
        try {
          progress(JSON.parse(line.slice(PROGRESS_LINE.length + 1)) as ProgressEvent);
          return;
        } catch { /* not ours after all: keep it with the rest */ }
      }
      tail.push(line);
      if (tail.length > 20) tail.shift();
    });
    const code = await new Promise<number | null>((done) => {
      child.once('error', () => done(null));
      child.once('close', (exit) => done(exit));
    });
    cancel?.dispose();
    this.running.delete(child);
    if (cancelled) throw new ResponseError(ErrorCodes.Cancelled, 'Training was cancelled; nothing was imported.');
    const answer = parseLast(stdout);
    if (code === 0 && answer && !('error' in answer)) return answer as unknown as TrainingRunResult;
    if (answer && typeof answer.error === 'string') {
      // Exit 2 is a usage error (bad role, base, split, export); 1 a refusal (no Python, empty store) or a failed run.
      throw new ResponseError(code === 2 ? InvalidParams : ErrorCodes.InvalidState, answer.error);
    }
    throw new ResponseError(ErrorCodes.InvalidState, `tandem train stopped (exit ${String(code)}) without a result. Its last output:\n${tail.join('\n')}`);
  }

  /** On daemon shutdown: no training outlives it. */
  dispose(): void {
    for (const child of this.running) killGroup(child);
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
}

function parseLast(lines: string[]): Record<string, unknown> | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const value = JSON.parse(lines[i]!) as unknown;
      if (value && typeof value === 'object') return value as Record<string, unknown>;
    } catch { /* a line of text before the JSON */ }
  }
  return null;
}

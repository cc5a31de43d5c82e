// Raw git, for what simple-git cannot do: binary output, stdin, a private index, exit codes as values.
import { spawn } from 'node:child_process';

export interface GitExecOptions {
  cwd: string;
  /** Extra environment, e.g. GIT_INDEX_FILE for a private index that leaves the real one alone. */
  env?: Record<string, string>;
  input?: string | Buffer;
  /** Kills git (SIGKILL) when aborted; the result then has code null's stand-in, -1. */
  signal?: AbortSignal;
}

export interface GitExecResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

// Settings a user's config could change that would change the output we parse.
const STABLE_OUTPUT = ['-c', 'core.quotePath=false', '-c', 'color.ui=never', '-c', 'diff.noprefix=false', '-c', 'diff.mnemonicPrefix=false'];

/** Runs git and returns its exit code and output; never throws for a non-zero exit. */
export function gitExec(args: string[], options: GitExecOptions): Promise<GitExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...STABLE_OUTPUT, ...args], {
      cwd: options.cwd,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    const kill = (): void => { child.kill('SIGKILL'); };
    if (options.signal?.aborted) kill();
    options.signal?.addEventListener('abort', kill, { once: true });
    child.on('close', (code) => { options.signal?.removeEventListener('abort', kill); resolve({ code: options.signal?.aborted ? -1 : code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }); });
    child.stdin.on('error', () => { /* git may exit before reading all input; its exit code tells */ });
    child.stdin.end(options.input ?? '');
  });
}

/** Runs git and returns stdout as text; a non-zero exit throws a GitError with git's own message. */
export async function gitText(args: string[], options: GitExecOptions): Promise<string> {
  const result = await gitExec(args, options);
  if (result.code !== 0) throw new GitError(args, result);
  return result.stdout.toString('utf8');
}

/**
 * `git <producer> | git <consumer>`, streamed (a whole history's patches need not fit in memory);
 * returns the consumer's stdout as text, and throws a GitError when either exits non-zero.
 */
export function gitPipeText(producerArgs: string[], consumerArgs: string[], options: Omit<GitExecOptions, 'input'>): Promise<string> {
  const start = (args: string[]) => spawn('git', [...STABLE_OUTPUT, ...args], {
    cwd: options.cwd,
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const finished = (child: ReturnType<typeof start>, args: string[]) => new Promise<Buffer>((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const result = { code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') };
      if (result.code === 0) resolve(result.stdout);
      else reject(new GitError(args, result));
    });
  });
  const producer = start(producerArgs);
  const consumer = start(consumerArgs);
  producer.stdin.end();
  producer.stdout.pipe(consumer.stdin);
  consumer.stdin.on('error', () => { /* the consumer may exit early; its exit code tells */ });
  const produced = finished(producer, producerArgs);
  return Promise.all([produced, finished(consumer, consumerArgs)]).then(([, out]) => out.toString('utf8'));
}

export class GitError extends Error {
  constructor(readonly args: string[], readonly result: GitExecResult) {
    super(`git ${args[0]} failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.toString('utf8').trim()}`);
    this.name = 'GitError';
  }
}

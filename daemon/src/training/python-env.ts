// The Python that trains: which one (--python, TANDEM_PYTHON, or the virtual environment
// `tandem train --setup` made), whether it has the packages, and making that environment.
// The environment lives in the user's cache, named by the pins' hash: every TANDEM_HOME and every
// test run reuses it, and new pins get a new one instead of a half-upgraded old one.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { requirementsHash, requirementsText, TRAINING_MODULES } from './python-requirements.js';

/** Written last by a setup that finished; a folder without it is a broken setup and is made again. */
const READY_MARKER = 'tandem-ready.json';

export function defaultVenvDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TANDEM_TRAIN_VENV) return env.TANDEM_TRAIN_VENV;
  const cache = env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(cache, 'tandem', `train-venv-${requirementsHash()}`);
}

export function venvPython(dir: string): string {
  return process.platform === 'win32' ? join(dir, 'Scripts', 'python.exe') : join(dir, 'bin', 'python');
}

export function isReadyVenv(dir: string): boolean {
  return existsSync(join(dir, READY_MARKER)) && existsSync(venvPython(dir));
}

/** The Python to train with, and where it came from (for messages); null when there is none. */
export function resolvePython(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): { python: string; from: string } | null {
  if (flag) return { python: flag, from: '--python' };
  if (env.TANDEM_PYTHON) return { python: env.TANDEM_PYTHON, from: 'TANDEM_PYTHON' };
  const dir = defaultVenvDir(env);
  if (isReadyVenv(dir)) return { python: venvPython(dir), from: `the environment made by tandem train --setup (${dir})` };
  return null;
}

export type PythonProbe =
  | { ok: true; version: string; packages: Record<string, string> }
  | { ok: false; problem: 'not_found' | 'too_old' | 'missing_packages' | 'broken'; message: string };

const PROBE = `
import importlib, json, sys
found, missing = {}, []
for name in sys.argv[1:]:
    try:
        module = importlib.import_module(name)
        found[name] = getattr(module, '__version__', '?')
    except Exception as error:
        missing.append(f'{name} ({type(error).__name__}: {error})')
print(json.dumps({'version': sys.version.split()[0], 'found': found, 'missing': missing}))
`;

/** Runs the Python once: its version and the training packages it can import. */
export async function probePython(python: string): Promise<PythonProbe> {
  const result = await runCollect(python, ['-c', PROBE, ...TRAINING_MODULES]);
  if (result.spawnError) {
    return { ok: false, problem: 'not_found', message: `Cannot run Python at ${python} (${result.spawnError}). Run tandem train --setup, or pass --python PATH / set TANDEM_PYTHON.` };
  }
  let report: { version: string; found: Record<string, string>; missing: string[] };
  try {
    report = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '');
  } catch {
    return { ok: false, problem: 'broken', message: `${python} did not answer as a Python 3 does (exit ${result.code}): ${result.stderr.trim().slice(-300)}` };
  }
  const [major, minor] = report.version.split('.').map(Number);
  if (major! < 3 || (major === 3 && minor! < 10)) {
    return { ok: false, problem: 'too_old', message: `${python} is Python ${report.version}; training needs Python 3.10 or newer.` };
  }
  if (report.missing.length) {
    return {
      ok: false, problem: 'missing_packages',
      message: `${python} lacks the training packages: ${report.missing.join('; ')}. Run tandem train --setup (a virtual environment with the pinned packages), or pip install -r requirements.txt from a training workspace.`,
    };
  }
  return { ok: true, version: report.version, packages: report.found };
}

export interface SetupOptions {
  /** The Python that makes the environment (default python3). */
  basePython?: string;
  dir?: string;
  /** Extra pip arguments, e.g. ['--index-url', URL] for a mirror. */
  pipArgs?: string[];
  onLine?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** Makes (or reuses) the virtual environment with the pinned packages; returns its Python. */
export async function setupVenv(options: SetupOptions = {}): Promise<{ python: string; dir: string; reused: boolean }> {
  const env = options.env ?? process.env;
  const dir = options.dir ?? defaultVenvDir(env);
  const python = venvPython(dir);
  if (isReadyVenv(dir) && (await probePython(python)).ok) return { python, dir, reused: true };
  // An unfinished or broken one is removed first: pip over a half-installed tree can leave it inconsistent.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, '..'), { recursive: true });
  const say = options.onLine ?? (() => {});
  const base = options.basePython ?? 'python3';
  const made = await runStreaming(base, ['-m', 'venv', dir], say, env);
  if (made !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${base} -m venv ${dir} failed (exit ${made}). Is Python 3.10+ with the venv module installed (Debian: apt-get install python3-venv)?`);
  }
  const requirements = join(tmpdir(), `tandem-requirements-${process.pid}.txt`);
  writeFileSync(requirements, requirementsText());
  try {
    const pip = ['-m', 'pip', 'install', '--disable-pip-version-check', '--progress-bar', 'off', '-r', requirements, ...(options.pipArgs ?? [])];
    const installed = await runStreaming(python, pip, say, env);
    if (installed !== 0) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`pip could not install the training packages (exit ${installed}); the environment was removed. See pip's output above; behind a mirror, pass --index-url URL or set PIP_INDEX_URL.`);
    }
  } finally {
    rmSync(requirements, { force: true });
  }
  const probe = await probePython(python);
  if (!probe.ok) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`The new environment does not work: ${probe.message}`);
  }
  writeFileSync(join(dir, READY_MARKER), JSON.stringify({ python: probe.version, packages: probe.packages, at: new Date().toISOString() }, null, 2) + '\n');
  return { python, dir, reused: false };
}

export function readyInfo(dir: string): unknown {
  return JSON.parse(readFileSync(join(dir, READY_MARKER), 'utf8'));
}

interface Collected { code: number | null; stdout: string; stderr: string; spawnError: string | null }

function runCollect(command: string, args: string[]): Promise<Collected> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
    child.on('error', (error) => resolve({ code: null, stdout, stderr, spawnError: error.message }));
    child.on('close', (code) => resolve({ code, stdout, stderr, spawnError: null }));
  });
}

/** Runs a command, handing each line of its output to `onLine`; resolves with its exit code (-1: it could not start). */
export function runStreaming(command: string, args: string[], onLine: (line: string) => void, env: NodeJS.ProcessEnv = process.env, cwd?: string, signal?: AbortSignal): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env, cwd, signal });
    const lines = (stream: NodeJS.ReadableStream) => {
      let rest = '';
      stream.on('data', (chunk: Buffer) => {
        const parts = (rest + chunk.toString('utf8')).split(/\r?\n|\r/);
        rest = parts.pop() ?? '';
        for (const line of parts) if (line.trim()) onLine(line);
      });
      stream.on('end', () => { if (rest.trim()) onLine(rest); });
    };
    lines(child.stdout);
    lines(child.stderr);
    child.on('error', (error) => { onLine(`${command}: ${error.message}`); resolve(-1); });
    child.on('close', (code) => resolve(code ?? -1));
  });
}

// The `tandem` CLI as a user runs it: the bundle `npm run build` makes (built once per test run, since
// a tsx start costs seconds a loop of runs cannot afford), in a TANDEM_HOME of the test's own.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { tandemPaths, type TandemPaths } from '../../../daemon/src/paths.js';
import { readDiscovery } from '../../../daemon/src/server/discovery-file.js';

const ROOT = resolve(import.meta.dirname, '../../..');
export const CLI_BUNDLE = join(ROOT, 'dist/daemon/cli.js');

let built = false;
export function buildOnce(): void {
  if (built) return;
  const result = spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm run build failed:\n${result.stdout}${result.stderr}`);
  built = true;
}

export interface CliRun { code: number; stdout: string; stderr: string }

export interface TandemHome {
  home: string;
  paths: TandemPaths;
  env: NodeJS.ProcessEnv;
  tandem(...args: string[]): Promise<CliRun>;
  /** Runs a command with --json and parses its one JSON document. */
  tandemJson<T>(...args: string[]): Promise<CliRun & { json: T }>;
  remove(): void;
}

export function makeTandemHome(): TandemHome {
  const home = mkdtempSync(join(tmpdir(), 'tandem-cli-test-'));
  const env: NodeJS.ProcessEnv = { ...process.env, TANDEM_HOME: home };
  delete env.TANDEM_MODEL; // the fixture model, whatever the developer has configured
  delete env.TANDEM_ACTION_SCRIPT; // a test that scripts actions sets it on this home's env
  const tandem = (...args: string[]) => new Promise<CliRun>((done) => {
    execFile(process.execPath, [CLI_BUNDLE, ...args], { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
  const tandemJson = async <T>(...args: string[]) => {
    const run = await tandem(...args, '--json');
    try {
      return { ...run, json: JSON.parse(run.stdout) as T };
    } catch {
      throw new Error(`tandem ${args.join(' ')} --json printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
    }
  };
  return { home, paths: tandemPaths(env), env, tandem, tandemJson, remove: () => rmSync(home, { recursive: true, force: true }) };
}

export interface DaemonChild {
  child: ChildProcess;
  pid: number;
  output(): string;
  exited: Promise<number | string>;
}

/** `tandem daemon` with the real services; resolves once it listens (its discovery file names it). */
export async function startRealDaemon(home: TandemHome): Promise<DaemonChild> {
  const child = spawn(process.execPath, [CLI_BUNDLE, 'daemon'], { cwd: ROOT, env: home.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exited = new Promise<number | string>((done) => child.once('exit', (code, signal) => done(code ?? signal ?? -1)));
  let gone = false;
  void exited.then(() => { gone = true; });
  for (;;) {
    const read = readDiscovery(home.paths.discovery);
    if (read.kind === 'found' && read.discovery.pid === child.pid && output.includes('listening')) {
      return { child, pid: child.pid, output: () => output, exited };
    }
    if (gone) throw new Error(`The daemon exited before it was ready:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

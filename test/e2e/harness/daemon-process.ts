// Starts the real daemon from the built bundle with TANDEM_HOME in a temp dir, and waits for its discovery file.
// Its actions are scripted for the tasks the tests start (scripted-tasks.ts), so each reaches the
// state the test needs on its first try; the script is written beside TANDEM_HOME.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tandemPaths } from '../../../daemon/src/paths.js';
import { stopProcess } from './code-server.js';
import { writeTestDaemonScript } from './scripted-tasks.js';

export interface TestDaemon {
  tandemHome: string;
  pid: number;
  port: number;
  output(): string;
  stop(): Promise<void>;
}

export async function startTestDaemon(repoRoot: string, tandemHome: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<TestDaemon> {
  const cli = join(repoRoot, 'dist', 'daemon', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first.`);
  const script = writeTestDaemonScript(join(dirname(tandemHome), 'action-script.json'));
  const env = { ...process.env, TANDEM_ACTION_SCRIPT: script, ...extraEnv, TANDEM_HOME: tandemHome };
  const child: ChildProcess = spawn(process.execPath, [cli, 'daemon'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => { output = (output + chunk.toString()).slice(-100_000); };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const discovery = tandemPaths(env).discovery;
  for (let attempt = 0; attempt < 1500; attempt++) {
    if (child.exitCode !== null) {
      throw new Error(`\`tandem daemon\` exited with ${child.exitCode} before writing ${discovery}:\n${output}`);
    }
    if (existsSync(discovery)) {
      try {
        const { port, pid } = JSON.parse(readFileSync(discovery, 'utf8')) as { port: number; pid: number };
        if (pid === child.pid) return { tandemHome, pid, port, output: () => output, stop: () => stopProcess(child) };
      } catch {
        // written but not complete yet
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stopProcess(child);
  throw new Error(`\`tandem daemon\` wrote no discovery file within 5 minutes:\n${output}`);
}

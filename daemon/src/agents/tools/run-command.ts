// run: a command from the repo's allowlist (set by the user, e.g. "npm test"), started without a
// shell in the worktree, inside the sandbox of command-sandbox.ts, in its own process group so a
// timeout kills everything it started, with a trimmed environment (command-environment.ts).
import { spawn } from 'node:child_process';
import { commandEnvironment } from './command-environment.js';
import { bubblewrapArgs, findSandbox, NO_SANDBOX_ADVICE, resolveProgram } from './command-sandbox.js';
import { matchAllowlist } from './command-line.js';
import { BoundedOutput } from './output-cap.js';
import { refused, type ToolContext, type ToolOutcome } from './tool-context.js';

// Colour codes cost context and mean nothing to the model (the environment asks for none, too).
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

export async function runCommand(context: ToolContext, args: { command?: unknown }, allowlist: readonly string[], network = false): Promise<ToolOutcome> {
  if (typeof args.command !== 'string') return refused('run needs a command, one of those the user allowed.');
  const words = matchAllowlist(args.command, allowlist);
  if (!words) {
    const allowed = allowlist.length > 0 ? `Allowed: ${allowlist.map((entry) => JSON.stringify(entry)).join(', ')}.` : 'The user has allowed no commands for this repository.';
    return refused(`"${args.command}" is not an allowed command. ${allowed}`);
  }
  if (context.signal?.aborted) return refused('the task was stopped; the command did not run.');
  const sandbox = findSandbox(process.env);
  if (sandbox.kind === 'none') {
    return refused(`"${args.command}" did not run: allowed commands run only in a sandbox, and ${sandbox.reason}. The user can ${NO_SANDBOX_ADVICE}.`);
  }
  const env = commandEnvironment(process.env); // not the daemon's secrets
  const header = `$ ${words.join(' ')}\n`;
  if (!resolveProgram(words[0]!, context.root, env.PATH ?? '')) return { ok: false, result: `${header}\n[could not start: spawn ${words[0]} ENOENT]` };
  const argv = sandbox.kind === 'bubblewrap' ? [sandbox.program, ...bubblewrapArgs(words, { worktree: context.root, network, env: process.env })] : words;
  // Room for the header and the status line, so the executor's own bound never cuts a second time.
  const output = new BoundedOutput(Math.max(100, context.limits.maxOutputChars - header.length - 80));
  const ended = await spawnBounded(argv, env, context, output);
  const status = ended.timedOut ? `[killed: still running after ${context.limits.runTimeoutMs / 1000} s]`
    : ended.aborted ? '[killed: the task was stopped]'
      : ended.error ? `[could not start: ${ended.error}]`
        : `[exit code ${ended.code ?? ended.signal}]`;
  return { ok: ended.code === 0, result: `${header}${output.text().replace(ANSI, '')}\n${status}` };
}

interface Ended { code: number | null; signal: string | null; timedOut: boolean; aborted: boolean; error: string | null }

function spawnBounded(words: string[], env: NodeJS.ProcessEnv, context: ToolContext, output: BoundedOutput): Promise<Ended> {
  return new Promise((resolveOnce) => {
    let settled = false;
    const resolve = (value: Ended): void => { if (!settled) { settled = true; resolveOnce(value); } };
    const ended: Ended = { code: null, signal: null, timedOut: false, aborted: false, error: null };
    const child = spawn(words[0]!, words.slice(1), {
      cwd: context.root,
      shell: false,
      detached: true, // its own process group, killed whole below (and bwrap's pid namespace with it)
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    const killGroup = (): void => {
      try { if (child.pid) process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
      // A grandchild that left the group may hold the pipes open: stop waiting for them.
      setTimeout(() => { child.stdout?.destroy(); child.stderr?.destroy(); }, 2000).unref();
    };
    const timer = setTimeout(() => { ended.timedOut = true; killGroup(); }, context.limits.runTimeoutMs);
    const onAbort = (): void => { ended.aborted = true; killGroup(); };
    context.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
    child.on('error', (error) => {
      ended.error = error.message;
      if (child.pid === undefined) { clearTimeout(timer); context.signal?.removeEventListener('abort', onAbort); resolve(ended); }
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      context.signal?.removeEventListener('abort', onAbort);
      ended.code = code;
      ended.signal = signal;
      resolve(ended);
    });
  });
}

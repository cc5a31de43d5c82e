// `tandem demo --loop`: the flywheel once, on a laptop, in a Tandem home of its own (the user's store and
// adapters are never touched). Scripted demonstrations recorded through the real agent loop and reviewed;
// `tandem train --run` (TRL + PEFT, progress bar, import, eval); a running daemon on the base model gets new
// tasks, the adapter is promoted (hot-swapped) into it, the same tasks again; a before/after table.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { tandemPaths } from '../paths.js';
import type { EvaluateResult } from '../protocol/adapter-evaluation.js';
import type { AdapterInfo, ProgressEvent } from '../protocol/types.js';
import { ModelRuntime } from '../runtime/model-runtime.js';
import { readDiscovery } from '../server/discovery-file.js';
import { recordFlywheelTasks, TASK_PROMPTS, APPROVED_TEXT } from '../training/flywheel-demonstrations.js';
import { FLYWHEEL_SPLIT, FLYWHEEL_TRAIN_ARGS, runHeldOutTasks, type Cli, type HeldOutRun } from '../training/flywheel-run.js';
import type { TrainResult } from '../training/train-run.js';
import { printFailure, progressBars, PROGRESS_LINE } from './command-output.js';
import { checkLoopInputs, type LoopInputs } from './demo-loop-inputs.js';
import { describeLoopFigures, WHAT_IT_LEARNS, type LoopFigures } from './demo-loop-report.js';

type Values = Record<string, string | boolean | string[] | undefined>;

interface Trained { training: TrainResult; imported: AdapterInfo; importSeconds: number; evaluation: EvaluateResult }

export async function runDemoLoop(values: Values): Promise<number> {
  const json = values.json === true;
  const inputs = await checkLoopInputs(values);
  if (typeof inputs === 'string') return printFailure(json, inputs);
  const say = (...lines: string[]) => { if (!json) for (const line of lines) console.log(line); };
  const started = performance.now();
  const parent = join(tandemPaths().home, 'demo');
  mkdirSync(parent, { recursive: true });
  const home = mkdtempSync(join(parent, 'loop-'));
  const env: NodeJS.ProcessEnv = { ...process.env, TANDEM_HOME: home, TANDEM_MODEL: inputs.gguf };
  delete env.TANDEM_PROGRESS_LINES;
  const paths = tandemPaths(env);
  say(`The flywheel once, on ${inputs.gguf} (Hugging Face weights: ${inputs.base}).`,
    `A Tandem home of its own: ${home} (your store and adapters are not touched).`, `Training Python: ${inputs.python} (from ${inputs.pythonFrom}).`);

  say('', `1. ${TASK_PROMPTS.length} tasks recorded through the real agent loop, store and git worktrees; the actions are scripted, the reviews too:`);
  const recorded = await recordDemonstrations(home, inputs.gguf);
  for (const task of recorded) {
    say(task.rejectedFirst
      ? `  ${task.taskId.padEnd(12)} delegated TODO.md -> rejected ("Write NOTES.md, nothing else."); round 2 delegated NOTES.md -> approved`
      : `  ${task.taskId.padEnd(12)} delegated NOTES.md -> approved`);
  }
  say(`  The approved orchestrator action: ${APPROVED_TEXT}`);

  say('', `2. Training the orchestrator's LoRA with TRL + PEFT (tandem train --run ${FLYWHEEL_TRAIN_ARGS.join(' ')}):`);
  const cli = cliIn(env);
  const trained = await trainInChild(env, inputs, join(home, 'training'), json);
  if (typeof trained === 'string') return printFailure(json, `${trained}\n(The demo's home is kept: ${home})`);
  const { training, imported, importSeconds, evaluation } = trained;
  say(`  ${training.steps} steps in ${training.train_seconds}s on ${training.device}; loss ${fmt(training.loss_first)} -> ${fmt(training.loss_last)}`,
    `  Imported as orchestrator v${imported.version} (inactive) in ${importSeconds.toFixed(1)}s; the promotion gate ${evaluation.decision.allowed ? 'would take it' : 'would not take it'}: ${evaluation.decision.reason}`);

  say('', '3. A running daemon on the base model; new tasks no demonstration came from:');
  const daemon = await startDaemon(env, paths.discovery);
  try {
    const before = await runHeldOutTasks(cli, paths.database, join(home, 'held-out-before'));
    showFirstActions(before, say);

    say('', `4. Promoting orchestrator v${imported.version}: the running daemon hot-swaps it in (same weights, new LoRA).`);
    const swapStarted = performance.now();
    const promoted = await cli('adapters', 'promote', '--role', 'orchestrator', '--split', FLYWHEEL_SPLIT, String(imported.version));
    const swapMs = Math.round(performance.now() - swapStarted);
    if (promoted.code !== 0) return printFailure(json, `Promotion failed: ${promoted.stderr.trim() || promoted.stdout.trim()}\n(The demo's home is kept: ${home})`);
    say(`  ${promoted.stdout.trim().split('\n').at(-1) ?? ''} (${swapMs} ms for the whole promote call)`);

    say('', '5. The same new tasks again, on the swapped-in adapter:');
    const after = await runHeldOutTasks(cli, paths.database, join(home, 'held-out-after'));
    showFirstActions(after, say);

    const figures: LoopFigures = {
      heldout_nll_before: evaluation.against.nllPerToken, heldout_nll_after: evaluation.candidate.nllPerToken,
      pref_acc_before: evaluation.against.preferenceAccuracy, pref_acc_after: evaluation.candidate.preferenceAccuracy,
      tasks_following_before: before.share, tasks_following_after: after.share,
      train_s: training.train_seconds, import_s: Number(importSeconds.toFixed(2)), swap_ms: swapMs,
    };
    const totalSeconds = Math.round((performance.now() - started) / 1000);
    say('', 'Before and after:', ...describeLoopFigures(figures), '', ...WHAT_IT_LEARNS, '', `The whole loop took ${totalSeconds}s. Everything it made is in ${home}.`);
    if (json) console.log(JSON.stringify({ home, figures, totalSeconds, firstActions: { before: before.firstActions, after: after.firstActions }, imported, evaluation }));
    return 0;
  } finally {
    await stopDaemon(daemon);
  }
}

/** The demonstrations use the real runtime for token counts and context size, so prompts are what the daemon gives the model. */
async function recordDemonstrations(home: string, gguf: string) {
  const loaded = await ModelRuntime.load({ modelPath: gguf, contextSize: 2048, adapters: {} });
  if (!loaded.ok) throw new Error(loaded.error.message);
  try {
    return await recordFlywheelTasks(home, loaded.value, TASK_PROMPTS);
  } finally {
    await loaded.value.dispose();
  }
}

/**
 * `tandem train --run` as the user would run it, its progress events drawn here as the bar (or, where stderr is
 * not a terminal, as a line per tenth of the steps, so a log shows it is moving); its result as JSON.
 */
function trainInChild(env: NodeJS.ProcessEnv, inputs: LoopInputs, out: string, json: boolean): Promise<Trained | string> {
  const args = ['train', '--role', 'orchestrator', '--base', inputs.base, '--gguf', inputs.gguf, ...FLYWHEEL_TRAIN_ARGS, '--run', '--python', inputs.python, '--out', out, '--json'];
  const bars = progressBars();
  const plainLines = !json && !process.stderr.isTTY && process.env.TANDEM_PROGRESS_LINES !== '1';
  let tenthShown = -1;
  const onEvent = (event: ProgressEvent) => {
    bars(event);
    if (!plainLines || event.id !== 'train' || !event.total) return;
    const tenth = Math.floor((10 * event.done) / event.total);
    if (tenth <= tenthShown) return;
    tenthShown = tenth;
    console.log(`  step ${event.done}/${event.total}${event.loss === undefined ? '' : `, loss ${event.loss.toFixed(3)}`}`);
  };
  return new Promise((done) => {
    const child = spawn(process.execPath, [process.argv[1]!, ...args], { env: { ...env, TANDEM_PROGRESS_LINES: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    createInterface({ input: child.stderr! }).on('line', (line) => {
      if (!line.startsWith(`${PROGRESS_LINE} `)) return void process.stderr.write(`${line}\n`);
      try {
        onEvent(JSON.parse(line.slice(PROGRESS_LINE.length + 1)) as ProgressEvent);
      } catch {
        process.stderr.write(`${line}\n`);
      }
    });
    child.once('error', (error) => done(`tandem train could not start: ${error.message}`));
    child.once('close', (code) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      let parsed: Partial<Trained> & { error?: string };
      try {
        parsed = JSON.parse(last);
      } catch {
        return done(`tandem train failed (exit ${code}): ${stdout.slice(-500)}`);
      }
      done(code === 0 && parsed.imported ? (parsed as Trained) : `tandem train failed (exit ${code}): ${parsed.error ?? last}`);
    });
  });
}

function cliIn(env: NodeJS.ProcessEnv): Cli {
  return (...args) => new Promise((done) => execFile(process.execPath, [process.argv[1]!, ...args], { env, maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
    done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })));
}

async function startDaemon(env: NodeJS.ProcessEnv, discovery: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [process.argv[1]!, 'daemon'], { env, stdio: 'ignore' });
  let exit: string | null = null;
  child.once('exit', (code, signal) => { exit = String(code ?? signal); });
  for (;;) {
    const read = readDiscovery(discovery);
    if (read.kind === 'found' && read.discovery.pid === child.pid) return child;
    if (exit !== null) throw new Error(`The demo's daemon exited (${exit}) before it was ready; its log is under ${join(env.TANDEM_HOME!, 'logs')}.`);
    await new Promise((wait) => setTimeout(wait, 100));
  }
}

async function stopDaemon(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}

function showFirstActions(run: HeldOutRun, say: (...lines: string[]) => void): void {
  for (const action of run.firstActions) say(`  first orchestrator action: ${action.length > 110 ? `${action.slice(0, 110)}…` : action}`);
  say(`  ${Math.round(run.share * 100)}% follow the approved behaviour (delegate NOTES.md, not TODO.md)`);
}

const fmt = (n: number | null): string => (n === null ? '-' : n.toFixed(3));

// `npm run bench -- loop`: the flywheel once on llama-tiny (the same loop as test/integration/flywheel-loop.test.ts):
// record reviewed tasks, `tandem train --run` (TRL + PEFT, import, eval), promote into a running daemon, new tasks.
// Needs the training Python (TANDEM_PYTHON or `tandem train --setup`). Ratios: after ÷ before, same run.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { tandemPaths } from '../../daemon/src/paths.js';
import { ModelRuntime } from '../../daemon/src/runtime/model-runtime.js';
import { resolvePython } from '../../daemon/src/training/python-env.js';
import { FLYWHEEL_SPLIT, FLYWHEEL_TRAIN_ARGS, runHeldOutTasks } from '../../daemon/src/training/flywheel-run.js';
import { recordFlywheelTasks, TASK_PROMPTS } from '../../daemon/src/training/flywheel-demonstrations.js';

const INTEROP = resolve('../shared/interop/llama-tiny');
const CLI = resolve('dist/daemon/cli.js');

export async function run(): Promise<Record<string, number | string>> {
  const python = resolvePython(undefined);
  if (!python) throw new Error('The loop bench needs the training Python: run `node dist/daemon/cli.js train --setup` or set TANDEM_PYTHON.');
  const home = mkdtempSync(join(tmpdir(), 'tandem-bench-loop-'));
  const env = { ...process.env, TANDEM_HOME: home, TANDEM_MODEL: join(INTEROP, 'base.gguf') };
  const cli = (...args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
    execFile(process.execPath, [CLI, ...args], { env, maxBuffer: 64 << 20 }, (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })));
  let daemon: ReturnType<typeof spawn> | null = null;
  try {
    const loaded = await ModelRuntime.load({ modelPath: env.TANDEM_MODEL, contextSize: 2048, adapters: {} });
    if (!loaded.ok) throw new Error(loaded.error.message);
    await recordFlywheelTasks(home, loaded.value, TASK_PROMPTS).finally(() => loaded.value.dispose());

    const trained = await cli('train', '--role', 'orchestrator', '--base', join(INTEROP, 'hf'), '--gguf', env.TANDEM_MODEL, ...FLYWHEEL_TRAIN_ARGS, '--run', '--python', python.python, '--out', join(home, 'ws'), '--json');
    if (trained.code !== 0) throw new Error(`tandem train failed:\n${trained.stdout}\n${trained.stderr}`);
    const { training, imported, importSeconds, evaluation } = JSON.parse(trained.stdout);

    daemon = spawn(process.execPath, [CLI, 'daemon'], { env, stdio: 'ignore' });
    while (!existsSync(tandemPaths(env).discovery)) await new Promise((r) => setTimeout(r, 100));
    const before = await runHeldOutTasks(cli, tandemPaths(env).database, join(home, 'held-out-before'));
    const swapStarted = performance.now();
    const promoted = await cli('adapters', 'promote', '--role', 'orchestrator', '--split', FLYWHEEL_SPLIT, String(imported.version));
    const swapMs = performance.now() - swapStarted;
    if (promoted.code !== 0) throw new Error(`promote failed: ${promoted.stderr}`);
    const after = await runHeldOutTasks(cli, tandemPaths(env).database, join(home, 'held-out-after'));
    const nllBefore = evaluation.against.nllPerToken as number;
    const nllAfter = evaluation.candidate.nllPerToken as number;
    return {
      heldout_nll_before: nllBefore, heldout_nll_after: nllAfter, nll_ratio: nllAfter / nllBefore,
      pref_acc_before: evaluation.against.preferenceAccuracy, pref_acc_after: evaluation.candidate.preferenceAccuracy,
      tasks_following_before: before.share, tasks_following_after: after.share,
      train_s: training.train_seconds, import_s: importSeconds, swap_ms: Math.round(swapMs),
    };
  } finally {
    daemon?.kill('SIGTERM');
    rmSync(home, { recursive: true, force: true });
  }
}

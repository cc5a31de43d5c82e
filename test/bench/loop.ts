// `npm run bench -- loop`: the flywheel once on llama-tiny (the same loop as test/integration/flywheel-loop.test.ts):
// record reviewed tasks, `tandem train --run` (TRL + PEFT, import, eval), promote into a running daemon, new tasks.
// Needs the training Python (TANDEM_PYTHON or `tandem train --setup`). Ratios: after ÷ before, same run.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { tandemPaths } from '../../daemon/src/paths.js';
import { ModelRuntime } from '../../daemon/src/runtime/model-runtime.js';
import { openStore } from '../../daemon/src/store/open-store.js';
import { resolvePython } from '../../daemon/src/training/python-env.js';
import { APPROVED_TEXT, recordFlywheelTasks, TASK_PROMPTS } from '../integration/support/flywheel-tasks.js';
import { initRepo } from '../integration/support/temp-repo.js';

const INTEROP = resolve('../shared/interop/llama-tiny');
const CLI = resolve('dist/daemon/cli.js');
const HELD_OUT = ['Write a note that the build passed.', 'Leave a checked marker for reviewers.', 'Add a status note to the repo.'];

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

    const trained = await cli('train', '--role', 'orchestrator', '--base', join(INTEROP, 'hf'), '--gguf', env.TANDEM_MODEL, '--split', '0.75',
      '--steps', '40', '--batch', '4', '--lr', '3e-3', '--threads', '1', '--run', '--python', python.python, '--out', join(home, 'ws'), '--json');
    if (trained.code !== 0) throw new Error(`tandem train failed:\n${trained.stdout}\n${trained.stderr}`);
    const { training, imported, importSeconds, evaluation } = JSON.parse(trained.stdout);

    daemon = spawn(process.execPath, [CLI, 'daemon'], { env, stdio: 'ignore' });
    while (!existsSync(tandemPaths(env).discovery)) await new Promise((r) => setTimeout(r, 100));
    const following = async (label: string) => {
      let n = 0;
      for (const [i, prompt] of HELD_OUT.entries()) {
        const repo = join(home, 'held-out', `${label}-${i}`);
        mkdirSync(repo, { recursive: true });
        initRepo(repo, { 'README.md': '# Held out\n' });
        await cli('run', '--repo', repo, prompt, '--json');
        const store = openStore(tandemPaths(env).database);
        const first = store.db.prepare(`SELECT b.content FROM steps s JOIN tasks t ON t.id = s.task_id JOIN repos r ON r.id = t.repo_id
          JOIN blobs b ON b.hash = s.output_hash WHERE r.path = ? AND s.role = 'orchestrator' ORDER BY s.id LIMIT 1`).pluck().get(repo);
        store.close();
        if (first === APPROVED_TEXT) n++;
      }
      return n / HELD_OUT.length;
    };
    const before = await following('before');
    const swapStarted = performance.now();
    const promoted = await cli('adapters', 'promote', '--role', 'orchestrator', String(imported.version));
    const swapMs = performance.now() - swapStarted;
    if (promoted.code !== 0) throw new Error(`promote failed: ${promoted.stderr}`);
    const after = await following('after');
    const nllBefore = evaluation.against.nllPerToken as number;
    const nllAfter = evaluation.candidate.nllPerToken as number;
    return {
      heldout_nll_before: nllBefore, heldout_nll_after: nllAfter, nll_ratio: nllAfter / nllBefore,
      pref_acc_before: evaluation.against.preferenceAccuracy, pref_acc_after: evaluation.candidate.preferenceAccuracy,
      tasks_following_before: before, tasks_following_after: after,
      train_s: training.train_seconds, import_s: importSeconds, swap_ms: Math.round(swapMs),
    };
  } finally {
    daemon?.kill('SIGTERM');
    rmSync(home, { recursive: true, force: true });
  }
}

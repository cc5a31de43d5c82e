// `npm run bench -- store`: writes >= 200k realistic steps through the real recorder, one
// transaction per call as the daemon does, and reports the insert rate. The export figures come
// from the export benchmark, which can reuse generateBenchStore.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProgressBar } from '../../daemon/src/cli/progress-bar.js';
import { generateBenchStore } from './store-trajectories.js';

export { generateBenchStore } from './store-trajectories.js';

const STEPS = Number(process.env.TANDEM_BENCH_STEPS ?? 200_000);

export async function run(): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-store-'));
  const dbPath = join(dir, 'bench.db');
  try {
    const bar = new ProgressBar();
    const started = performance.now();
    const generated = generateBenchStore(dbPath, STEPS, (done) => bar.update({ id: 'bench', title: 'Recording steps', done, total: STEPS, unit: 'steps' }));
    const wall = (performance.now() - started) / 1000;
    bar.update({ id: 'bench', title: 'Recording steps', done: generated.steps, total: STEPS, unit: 'steps', finished: true });
    return {
      steps: generated.steps,
      tasks: generated.tasks,
      db_mib: Math.round(statSync(dbPath).size / 2 ** 20),
      recorder_s: generated.recorderSeconds,
      wall_s: wall,
      recorder_cpu_s: generated.recorderCpuSeconds,
      insert_steps_per_s: Math.round(generated.steps / generated.recorderSeconds),
      insert_steps_per_cpu_s: Math.round(generated.steps / generated.recorderCpuSeconds),
    };
  } finally {
    if (!process.env.TANDEM_BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  }
}

// `npm run bench -- store`: writes >= 200k realistic steps through the real recorder, one
// transaction per call as the daemon does, then exports that store in a child process (the export
// benchmark's measureExport). The last line holds insert_steps_per_s, export_steps_per_s and
// export_peak_rss_mb. The machine's load is reported beside them: wall-clock rates drop when
// other work shares the CPUs, so the CPU-time rate is given too. The raw_* figures are the ceiling
// measured in the same run (raw-insert.ts): bare rows of a step's bytes, committed one by one (the
// most a store that commits each step on its own can reach here) and 1,000 at a time (the most
// SQLite takes here at all); insert_vs_raw_commit is the recorder's rate against the first.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProgressBar } from '../../daemon/src/cli/progress-bar.js';
import { measureExport } from './export.js';
import { measureRawInserts } from './raw-insert.js';
import { generateBenchStore } from './store-trajectories.js';

export { generateBenchStore } from './store-trajectories.js';

const STEPS = Number(process.env.TANDEM_BENCH_STEPS ?? 200_000);

export async function run(): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-store-'));
  const dbPath = join(dir, 'bench.db');
  try {
    const loadBefore = loadavg()[0]!;
    const bar = new ProgressBar();
    const started = performance.now();
    const generated = generateBenchStore(dbPath, STEPS, (done) => bar.update({ id: 'bench', title: 'Recording steps', done, total: STEPS, unit: 'steps' }));
    const wall = (performance.now() - started) / 1000;
    bar.update({ id: 'bench', title: 'Recording steps', done: generated.steps, total: STEPS, unit: 'steps', finished: true });
    const bytesPerStep = Math.round(statSync(dbPath).size / generated.steps);
    const raw = measureRawInserts(dir, bytesPerStep);
    const exported = measureExport(dbPath, generated.steps, dir);
    const insertPerSecond = Math.round(generated.steps / generated.recorderSeconds);
    return {
      cpus: cpus().length,
      load_avg_1m_before: round(loadBefore),
      load_avg_1m_after: round(loadavg()[0]!),
      steps: generated.steps,
      tasks: generated.tasks,
      db_mib: Math.round(statSync(dbPath).size / 2 ** 20),
      recorder_s: round(generated.recorderSeconds),
      recorder_cpu_s: round(generated.recorderCpuSeconds),
      generate_and_record_wall_s: round(wall),
      bytes_per_step: bytesPerStep,
      raw_commit_per_row_per_s: raw.perStep.rowsPerSecond,
      raw_commit_per_row_per_cpu_s: raw.perStep.rowsPerCpuSecond,
      raw_batched_rows_per_s: raw.batched.rowsPerSecond,
      raw_batched_rows_per_cpu_s: raw.batched.rowsPerCpuSecond,
      insert_steps_per_s: insertPerSecond,
      insert_steps_per_cpu_s: Math.round(generated.steps / generated.recorderCpuSeconds),
      insert_vs_raw_commit: round(insertPerSecond / raw.perStep.rowsPerSecond),
      ...exported,
    };
  } finally {
    if (!process.env.TANDEM_BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

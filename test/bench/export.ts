// `npm run bench -- export`: builds a store of at least 200k realistic steps (orchestrator and
// worker conversations with file reads, writes, test runs, reviews and signals, blobs deduplicated)
// with fast raw SQL, then exports it in a child process and reports its speed and peak memory.
// The export runs in a child so its peak RSS is the export's own, not the store builder's.
// The store benchmark measures the export of the store it recorded with measureExport.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProgressBar } from '../../daemon/src/cli/progress-bar.js';
import { exportDataset } from '../../daemon/src/store/export/export-dataset.js';
import { KINDS, type Kind } from '../support/export-corpus.js';
import { fixedSource, recordTask, type TaskScenario } from '../support/trajectory-scenarios.js';
import { TrajectoryStoreBuilder } from '../support/trajectory-store-builder.js';

// At least 200k steps; a smaller count can be asked for while trying the benchmark out.
const TARGET_STEPS = Number(process.env.TANDEM_BENCH_EXPORT_STEPS ?? 200_000);
const CHILD_ENV = 'TANDEM_BENCH_EXPORT_CHILD';

export interface ExportFigures extends Record<string, number | string> {
  export_format: string;
  export_records: number;
  export_output_mb: number;
  export_s: number;
  export_steps_per_s: number;
  export_steps_per_cpu_s: number;
  export_peak_rss_mb: number;
}

export async function run(): Promise<Record<string, number | string>> {
  const child = process.env[CHILD_ENV];
  return child ? exportInChild(JSON.parse(child) as { db: string; out: string }) : buildAndMeasure();
}

/** Exports the store at db (holding `steps` steps) into dir in a child process; its speed and peak memory. */
export function measureExport(db: string, steps: number, dir: string): ExportFigures {
  // Re-run this same bench entry (bundle or tsx) as the child, with the store to export. Its
  // stderr is ours, so its progress bar shows on the terminal.
  const result = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, 'export'], {
    env: { ...process.env, [CHILD_ENV]: JSON.stringify({ db, out: join(dir, 'out', 'dataset.jsonl') }) },
    encoding: 'utf8', maxBuffer: 16 << 20, stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`The export child failed (exit ${result.status}); its error is printed above.`);
  const figures = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
  return {
    export_format: 'openai-sft',
    export_records: figures.records!,
    export_output_mb: figures.output_mb!,
    export_s: figures.seconds!,
    export_steps_per_s: Math.round(steps / figures.seconds!),
    export_steps_per_cpu_s: Math.round(steps / figures.cpu_seconds!),
    export_peak_rss_mb: figures.peak_rss_mb!,
  };
}

async function buildAndMeasure(): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-export-'));
  try {
    const db = join(dir, 'tandem.db');
    const started = performance.now();
    const steps = buildStore(db);
    const buildSeconds = (performance.now() - started) / 1000;
    return {
      store_steps: steps,
      store_mb: round(statSync(db).size / 2 ** 20),
      store_build_s: round(buildSeconds),
      ...measureExport(db, steps, dir),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function exportInChild({ db, out }: { db: string; out: string }): Promise<Record<string, number>> {
  const started = performance.now();
  const startedCpu = process.cpuUsage();
  const bar = new ProgressBar();
  const manifest = await exportDataset(db, { format: 'openai-sft', role: 'all', split: 0.9, out }, (event) => bar.update(event));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(startedCpu);
  const bytes = manifest.files.reduce((sum, f) => sum + statSync(join(out, '..', f.path)).size, 0);
  return {
    records: manifest.files.reduce((sum, f) => sum + f.records, 0),
    output_mb: round(bytes / 2 ** 20),
    seconds: round(seconds),
    cpu_seconds: (cpu.user + cpu.system) / 1e6,
    peak_rss_mb: round(process.resourceUsage().maxRSS / 1024),
  };
}

/** Realistic tasks, many per transaction (the recorder's own insert speed is measured by the store bench). */
function buildStore(path: string): number {
  const b = TrajectoryStoreBuilder.create(path);
  const repoId = b.repo('/srv/repos/app', 'git@example.com:acme/app.git');
  const count = b.db.prepare('SELECT count(*) FROM steps').pluck();
  const batch = b.db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) recordTask(b, scenario(i, repoId));
  });
  let tasks = 0;
  while ((count.get() as number) < TARGET_STEPS) {
    batch(tasks, tasks + 500);
    tasks += 500;
  }
  const steps = count.get() as number;
  b.close();
  return steps;
}

function scenario(i: number, repoId: number): TaskScenario {
  const file = `src/feature${i % 997}/module${i}.ts`;
  const kind: Kind = KINDS[i % KINDS.length]!;
  const good = fixedSource(file);
  const weak = fixedSource(file, 'Error');
  // A file of realistic size for the worker to read: ~2.5 KB of ordinary code, different per task.
  const planted = Array.from({ length: 40 }, (_, n) => `export function helper${i}_${n}(input: number[]): number { return input.reduce((a, b) => a + b * ${n}, ${i}); }`).join('\n');
  const base = { id: `task-${String(i).padStart(7, '0')}`, repoId, file, planted };
  const one = (verdict: 'approve' | 'reject' | null, content = good) => [{ versions: [{ content, verdict, reason: verdict === 'reject' ? 'Throw a RangeError.' : undefined }] }];
  switch (kind) {
    case 'merged': return { ...base, rounds: one('approve'), signal: 'merged' };
    case 'reverted': return { ...base, rounds: one('approve'), signal: 'reverted' };
    case 'rejected': return { ...base, rounds: one('reject', weak) };
    case 'unreviewed': return { ...base, rounds: one(null) };
    case 'edited': return { ...base, rounds: [{ versions: [{ content: good, verdict: 'approve_with_edits', edited: good + '\n// checked\n' }] }] };
    case 'revised': return { ...base, rounds: [{ versions: [{ content: weak, verdict: 'reject', reason: 'Use RangeError.' }, { content: good, verdict: 'approve' }] }] };
    case 'rounds': return { ...base, rounds: [...one('reject', weak), ...one('approve')], signal: 'merged' };
    default: return { ...base, rounds: one('approve') };
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

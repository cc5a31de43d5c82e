// CLI commands over the trajectory store: `signals scan` and `stats`.
import type { StatsBucket, StatsReport } from '../protocol/messages.js';
import { tandemPaths } from '../paths.js';
import { openStore, type Store } from '../store/open-store.js';
import { scanSignals } from '../store/signals-scan.js';
import { computeStats } from '../store/stats.js';
import type { CliCommand } from './command.js';
import { ProgressBar } from './progress-bar.js';

async function withStore<T>(fn: (store: Store) => Promise<T> | T): Promise<T> {
  const store = openStore(tandemPaths().database);
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}

const signalsScan: CliCommand = {
  name: 'signals scan',
  usage: 'signals scan [--repo PATH] [--json]',
  summary: 'Find approved changes that landed on the default branch (merged) or were reverted, and record them',
  options: { repo: { type: 'string' } },
  run: ({ values }) => withStore(async (store) => {
    const bar = new ProgressBar();
    const result = await scanSignals(store, {
      ...(typeof values.repo === 'string' ? { repoPath: values.repo } : {}), onProgress: (e) => bar.update(e),
    });
    if (values.json) console.log(JSON.stringify(result));
    else {
      console.log(`${result.merged} newly merged, ${result.reverted} newly reverted`);
      for (const s of result.skipped) console.error(`skipped ${s.repoPath}: ${s.reason}`);
    }
    return result.skipped.length > 0 ? 1 : 0;
  }),
};

const stats: CliCommand = {
  name: 'stats',
  usage: 'stats [--json]',
  summary: 'Tasks, steps per role, approval and merge rates, top rejection reasons, overall and per adapter version',
  run: ({ values }) => withStore((store) => {
    const report = computeStats(store);
    console.log(values.json ? JSON.stringify(report) : formatStats(report));
    return 0;
  }),
};

export function formatStats(report: StatsReport): string {
  const rows: [string, StatsBucket][] = [
    ['overall', report.overall],
    ...report.byAdapter.map((a): [string, StatsBucket] => [`${a.role} ${a.version === null ? 'base' : `v${a.version}`}`, a]),
  ];
  const pct = (rate: number | null) => (rate === null ? '-' : `${(rate * 100).toFixed(1)}%`);
  const header = ['', 'tasks', 'orch steps', 'worker steps', 'reviewed', 'approved', 'merged'];
  const table = [header, ...rows.map(([name, b]) =>
    [name, String(b.tasks), String(b.steps.orchestrator), String(b.steps.worker), String(b.reviewed), pct(b.approvalRate), pct(b.mergedRate)])];
  const widths = header.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const lines = table.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
  const reasons = report.overall.topRejectionReasons;
  if (reasons.length) lines.push('', 'Top rejection reasons:', ...reasons.map((r) => `  ${String(r.count).padStart(4)}  ${r.reason}`));
  return lines.join('\n');
}

export const storeCommands: CliCommand[] = [signalsScan, stats];

// CLI commands over the trajectory store: `signals scan` and `stats`, through the daemon when one runs.
import { resolve } from 'node:path';
import { SignalsScan, StatsGet, type StatsBucket, type StatsReport } from '../protocol/messages.js';
import type { ScanResult } from '../store/signals-scan.js';
import { AdaptersEvaluations } from '../protocol/adapter-evaluation.js';
import type { CliCommand } from './command.js';
import { formatEvaluations } from './eval-commands.js';
import { printRefusal, printResult, progressBars } from './command-output.js';
import { withTandemClient } from './tandem-client.js';

const signalsScan: CliCommand = {
  name: 'signals scan',
  usage: 'signals scan [--repo PATH] [--json]',
  summary: 'Find approved changes that landed on the default branch (merged) or were reverted, and record them',
  options: { repo: { type: 'string' } },
  run: ({ values }) => withTandemClient(async (client) => {
    const json = values.json === true;
    client.onProgress(progressBars());
    let result: Partial<ScanResult> & { merged: number; reverted: number };
    try {
      result = await client.request(SignalsScan, typeof values.repo === 'string' ? { repoPath: resolve(values.repo) } : {});
    } catch (error) {
      return printRefusal(json, error);
    }
    // The daemon sends the repos it could not scan beside the counts the protocol promises.
    const skipped = result.skipped ?? [];
    printResult(json, { ...result, skipped }, () => `${result.merged} newly merged, ${result.reverted} newly reverted`);
    if (!json) for (const s of skipped) console.error(`skipped ${s.repoPath}: ${s.reason}`);
    return skipped.length > 0 ? 1 : 0;
  }),
};

const stats: CliCommand = {
  name: 'stats',
  usage: 'stats [--json]',
  summary: 'Tasks, steps per role, approval and merge rates, top rejection reasons, overall and per adapter version',
  run: ({ values }) => withTandemClient(async (client) => {
    const json = values.json === true;
    try {
      const report = await client.request(StatsGet);
      const evaluations = await client.request(AdaptersEvaluations, {});
      printResult(json, evaluations.length ? { ...report, evaluations } : report, () =>
        formatStats(report) + (evaluations.length ? `\n\nHeld-out evaluations (tandem eval), newest first:\n${formatEvaluations(evaluations)}` : ''));
      return 0;
    } catch (error) {
      return printRefusal(json, error);
    }
  }),
};

export function formatStats(report: StatsReport): string {
  const rows: [string, StatsBucket][] = [
    ['overall', report.overall],
    ...report.byAdapter.map((a): [string, StatsBucket] => [`${a.role} ${a.version === null ? 'base' : `v${a.version}`}`, a]),
    ...(report.byCluster ?? []).map((c): [string, StatsBucket] => [`cluster ${c.cluster} (v${c.clustering})`, c]),
  ];
  const pct = (rate: number | null) => (rate === null ? '-' : `${(rate * 100).toFixed(1)}%`);
  const header = ['', 'tasks', 'orch steps', 'worker steps', 'reviewed', 'approved', 'merged'];
  const table = [header, ...rows.map(([name, b]) =>
    [name, String(b.tasks), String(b.steps.orchestrator), String(b.steps.worker), String(b.reviewed), pct(b.approvalRate), pct(b.mergedRate)])];
  const widths = header.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const lines = table.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
  for (const c of report.critic) {
    lines.push('', `Critic ${c.version === null ? 'base' : `v${c.version}`} against the human, over ${c.judged} reviewed result(s): precision ${pct(c.precision)}, recall ${pct(c.recall)}`
      + ` (passed & approved ${c.truePositives}, passed & rejected ${c.falsePositives}, failed & approved ${c.falseNegatives}, failed & rejected ${c.trueNegatives})`);
  }
  const reasons = report.overall.topRejectionReasons;
  if (reasons.length) lines.push('', 'Top rejection reasons:', ...reasons.map((r) => `  ${String(r.count).padStart(4)}  ${r.reason}`));
  return lines.join('\n');
}

export const storeCommands: CliCommand[] = [signalsScan, stats];

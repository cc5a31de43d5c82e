// The training-data side: export trajectories, register adapters, scan for merges, show stats.
import * as vscode from 'vscode';
import { AdaptersAdd, ExportRun, SignalsScan, StatsGet, type StatsBucket, type StatsReport } from '../../../daemon/src/protocol/messages.js';
import { EXPORT_FORMATS, ROLES, type AdapterInfo, type ExportFormat, type ExportManifest, type ExportOptions, type Role } from '../../../daemon/src/protocol/types.js';
import type { TandemContext } from '../context.js';
import { readSettings } from '../settings.js';

export async function exportTrajectories(ctx: TandemContext, args?: Partial<ExportOptions>): Promise<ExportManifest | undefined> {
  const settings = readSettings();
  const format = args?.format ?? (await vscode.window.showQuickPick([...EXPORT_FORMATS], { title: 'Tandem: export format', placeHolder: settings.exportFormat }) as ExportFormat | undefined);
  if (!format) return undefined;
  const role = args?.role ?? (await vscode.window.showQuickPick(['all', ...ROLES], { title: 'Tandem: which role' }) as Role | 'all' | undefined);
  if (!role) return undefined;
  const out = args?.out ?? (await vscode.window.showSaveDialog({
    title: 'Tandem: export to',
    defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.cwd()), `tandem-${format}-${role}.jsonl`),
    filters: { 'JSON Lines': ['jsonl'] },
  }))?.fsPath;
  if (!out) return undefined;
  const client = ctx.client();
  const options: ExportOptions = { minSignal: settings.exportMinSignal, ...args, format, role, out };
  const manifest = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Tandem: exporting trajectories', cancellable: false },
    async (progress) => {
      // The export's progress arrives as notifications while the request is pending.
      let reported = 0;
      const stop = client.onProgress((event) => {
        if (!event.total) return progress.report({ message: `${event.title}: ${event.done} ${event.unit ?? ''}` });
        const percent = Math.min(100, (event.done / event.total) * 100);
        progress.report({ message: event.title, increment: percent - reported });
        reported = percent;
      });
      try {
        return await client.request(ExportRun, options);
      } finally {
        stop();
      }
    },
  );
  const records = manifest.files.reduce((sum, f) => sum + f.records, 0);
  void vscode.window.showInformationMessage(`Tandem exported ${records} record(s) in ${manifest.files.length} file(s) to ${out}.`);
  return manifest;
}

export async function registerAdapter(ctx: TandemContext, args?: { role?: Role; path?: string }): Promise<AdapterInfo | undefined> {
  const path = args?.path ?? (await vscode.window.showOpenDialog({
    title: 'Tandem: choose a LoRA adapter (GGUF)', canSelectMany: false, filters: { 'LoRA adapter': ['gguf'] },
  }))?.[0]?.fsPath;
  if (!path) return undefined;
  const role = args?.role ?? (await vscode.window.showQuickPick([...ROLES], { title: 'Tandem: adapter for which role' }) as Role | undefined);
  if (!role) return undefined;
  const info = await ctx.client().request(AdaptersAdd, { role, path });
  void vscode.window.showInformationMessage(`Tandem: ${role} adapter v${info.version} registered${info.active ? ' and in use' : ''}.`);
  return info;
}

export async function scanMergedChanges(ctx: TandemContext): Promise<{ merged: number; reverted: number }> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const client = ctx.client();
  const totals = { merged: 0, reverted: 0 };
  for (const repoPath of folders.length ? folders.map((f) => f.uri.fsPath) : [undefined]) {
    const found = await client.request(SignalsScan, repoPath ? { repoPath } : {});
    totals.merged += found.merged;
    totals.reverted += found.reverted;
  }
  void vscode.window.showInformationMessage(`Tandem: ${totals.merged} approved change(s) found merged, ${totals.reverted} reverted.`);
  return totals;
}

export async function showStats(ctx: TandemContext): Promise<void> {
  const report = await ctx.client().request(StatsGet);
  const rows = [
    row('all', report.overall),
    ...report.byAdapter.map((b) => row(`${b.role} ${b.version === null ? 'base' : `v${b.version}`}`, b)),
  ];
  const reasons = report.overall.topRejectionReasons.map((r) => `- ${r.reason} (${r.count})`).join('\n') || '- none';
  const content = [
    '# Tandem stats', '',
    '| adapter | tasks | orchestrator steps | worker steps | reviewed | approved | merged |',
    '|---|---|---|---|---|---|---|',
    ...rows, '', '## Top rejection reasons', '', reasons, '',
    ...criticSection(report.critic),
  ].join('\n');
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content });
  await vscode.window.showTextDocument(document, { preview: true });
}

function row(name: string, b: StatsBucket): string {
  const rate = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(0)}%`);
  return `| ${name} | ${b.tasks} | ${b.steps.orchestrator} | ${b.steps.worker} | ${b.reviewed} | ${rate(b.approvalRate)} | ${rate(b.mergedRate)} |`;
}

/** The critic's agreement with the human's verdicts, when the critic has run. */
function criticSection(critic: StatsReport['critic']): string[] {
  if (!critic.length) return [];
  const rate = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(0)}%`);
  return [
    '## Critic against the human', '',
    '| critic | judged | precision | recall | passed & approved | passed & rejected | failed & approved | failed & rejected |',
    '|---|---|---|---|---|---|---|---|',
    ...critic.map((c) => `| ${c.version === null ? 'base' : `v${c.version}`} | ${c.judged} | ${rate(c.precision)} | ${rate(c.recall)} | ${c.truePositives} | ${c.falsePositives} | ${c.falseNegatives} | ${c.trueNegatives} |`),
    '',
  ];
}

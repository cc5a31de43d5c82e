// Bringing a trained adapter in from VS Code: import a PEFT LoRA folder (TRL, Unsloth, Axolotl), score
// it on held-out recorded work, and promote it through the gate. The daemon does the work; these
// commands ask for what is missing, show progress, and show the evaluation.
import * as vscode from 'vscode';
import {
  AdaptersEvaluate, AdaptersImport, AdaptersPromote, type AdapterEvaluation, type EvaluateResult, type PromoteResult,
} from '../../../daemon/src/protocol/adapter-evaluation.js';
import { AdaptersList } from '../../../daemon/src/protocol/messages.js';
import { ROLES, type AdapterInfo, type ProgressEvent, type Role } from '../../../daemon/src/protocol/types.js';
import type { TandemContext } from '../context.js';

export async function importAdapter(ctx: TandemContext, args?: { role?: Role; dir?: string; activate?: boolean }): Promise<AdapterInfo | undefined> {
  const dir = args?.dir ?? (await vscode.window.showOpenDialog({
    title: 'Tandem: choose a PEFT LoRA adapter folder (adapter_config.json + adapter_model.safetensors)',
    canSelectFiles: false, canSelectFolders: true, canSelectMany: false,
  }))?.[0]?.fsPath;
  if (!dir) return undefined;
  const role = args?.role ?? (await pickRole('Tandem: import the adapter for which role'));
  if (!role) return undefined;
  const info = await withProgress(ctx, 'Tandem: importing adapter', () => ctx.client().request(AdaptersImport, { role, dir, activate: args?.activate === true }));
  if (args?.dir) return info; // called with arguments (the panel, tests): no prompts
  const choice = await vscode.window.showInformationMessage(
    `Tandem: ${role} adapter v${info.version} imported${info.active ? ' and in use' : ' (not active yet)'}.`, ...(info.active ? [] : ['Evaluate', 'Promote']));
  if (choice === 'Evaluate') await evaluateAdapter(ctx, { role, version: info.version });
  if (choice === 'Promote') await promoteAdapter(ctx, { role, version: info.version });
  return info;
}

export async function evaluateAdapter(ctx: TandemContext, args?: { role?: Role; version?: number }): Promise<EvaluateResult | undefined> {
  const role = args?.role ?? (await pickRole('Tandem: evaluate which role\'s newest adapter'));
  if (!role) return undefined;
  const result = await withProgress(ctx, 'Tandem: evaluating on held-out work', () =>
    ctx.client().request(AdaptersEvaluate, { role, ...(args?.version === undefined ? {} : { version: args.version }) }));
  void vscode.window.showInformationMessage(`Tandem: ${describe(result.candidate)} vs ${describe(result.against)}. ${result.decision.reason}.`);
  return result;
}

export async function promoteAdapter(ctx: TandemContext, args?: { role?: Role; version?: number | null; force?: boolean }): Promise<PromoteResult | undefined> {
  const role = args?.role ?? (await pickRole('Tandem: promote an adapter of which role'));
  if (!role) return undefined;
  const version = args?.version !== undefined ? args.version : await pickVersion(ctx, role);
  if (version === undefined) return undefined;
  const result = await withProgress(ctx, 'Tandem: checking the adapter on held-out work', () =>
    ctx.client().request(AdaptersPromote, { role, version, force: args?.force === true }));
  void vscode.window.showInformationMessage(`Tandem: ${role} now uses ${version === null ? 'the base model' : `v${version}`}${result.forced ? ' (forced)' : ''}. ${result.decision.reason}.`);
  return result;
}

function describe(e: AdapterEvaluation): string {
  const name = e.version === null ? 'base' : `v${e.version}`;
  const pref = e.preferenceAccuracy === null ? '' : `, preferences ${(e.preferenceAccuracy * 100).toFixed(0)}%`;
  return `${name}: NLL/token ${e.nllPerToken?.toFixed(3) ?? '—'} on ${e.nllExamples} action(s)${pref}`;
}

async function pickVersion(ctx: TandemContext, role: Role): Promise<number | null | undefined> {
  const registered = await ctx.client().request(AdaptersList, { role });
  const items = [...registered.filter((a) => !a.active).map((a) => ({ label: `v${a.version}`, description: a.addedAt, version: a.version as number | null })), { label: 'base', description: 'the base model alone', version: null }];
  return (await vscode.window.showQuickPick(items, { title: `Tandem: promote which ${role} version` }))?.version;
}

function pickRole(title: string): Thenable<Role | undefined> {
  return vscode.window.showQuickPick([...ROLES], { title }) as Thenable<Role | undefined>;
}

/** A progress notification fed by the daemon's progress events while the request is pending. */
function withProgress<T>(ctx: TandemContext, title: string, work: () => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: false }, async (progress) => {
    let reported = 0;
    const stop = ctx.client().onProgress((event: ProgressEvent) => {
      if (!event.total) return progress.report({ message: event.title });
      const percent = Math.min(100, (event.done / event.total) * 100);
      progress.report({ message: event.title, increment: percent - reported });
      reported = percent;
    });
    try {
      return await work();
    } finally {
      stop();
    }
  });
}

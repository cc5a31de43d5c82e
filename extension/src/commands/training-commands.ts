// "Tandem: Train Adapter…": the daemon trains a LoRA for a role (tandem train --run, in a child process),
// imports it inactive and evaluates it; this command asks for the role, the Hugging Face base folder
// and the method, shows the run as a cancellable progress notification (steps and loss, then import
// and evaluation), and ends on the gate's verdict with a Promote button.
import * as vscode from 'vscode';
import { TRAINING_METHODS, TrainingRun, type TrainingMethod, type TrainingRunParams, type TrainingRunResult } from '../../../daemon/src/protocol/training.js';
import { ROLES, type ProgressEvent, type Role } from '../../../daemon/src/protocol/types.js';
import type { TandemContext } from '../context.js';

const PHASES = new Set(['workspace', 'train', 'import', 'eval']);

export async function trainAdapter(ctx: TandemContext, args?: Partial<TrainingRunParams>): Promise<TrainingRunResult | undefined> {
  const role = args?.role ?? (await vscode.window.showQuickPick([...ROLES], { title: 'Tandem: train an adapter for which role' }) as Role | undefined);
  if (!role) return undefined;
  const base = args?.base ?? (await vscode.window.showOpenDialog({
    title: 'Tandem: the Hugging Face folder your base GGUF was converted from (config.json + safetensors)',
    canSelectFiles: false, canSelectFolders: true, canSelectMany: false,
  }))?.[0]?.fsPath;
  if (!base) return undefined;
  const method = args?.method ?? (await vscode.window.showQuickPick(
    TRAINING_METHODS.map((m) => ({ label: m, description: METHOD_HELP[m] })), { title: 'Tandem: training method' }))?.label as TrainingMethod | undefined;
  if (!method) return undefined;
  const params: TrainingRunParams = { ...args, role, base, method };
  let cancelled = false;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Tandem: training the ${role} adapter (${method})`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const cancel = token.onCancellationRequested(() => {
        cancelled = true;
        abort.abort();
      });
      let reported = 0;
      const stop = ctx.client().onProgress((event: ProgressEvent) => {
        if (!PHASES.has(event.id)) return;
        const message = describeProgress(event);
        // Training is most of the time: its steps fill the bar; import and evaluation only say what happens.
        if (event.id !== 'train' || !event.total) return progress.report({ message });
        const percent = Math.min(100, (event.done / event.total) * 100);
        progress.report({ message, increment: percent - reported });
        reported = percent;
      });
      try {
        return await ctx.client().request(TrainingRun, params, abort.signal);
      } catch (error) {
        if (cancelled) return undefined; // the user's own cancel is not an error to show
        throw error;
      } finally {
        stop();
        cancel.dispose();
      }
    });
  if (!result) {
    void vscode.window.showInformationMessage('Tandem: training cancelled; nothing was imported.');
    return undefined;
  }
  const { imported, evaluation } = result;
  const verdict = `${role} v${imported.version} trained and imported (not active). Promotion gate: ${evaluation.decision.allowed ? 'would promote' : 'would not promote'}: ${evaluation.decision.reason}.`;
  if (args?.role) {
    void vscode.window.showInformationMessage(`Tandem: ${verdict}`);
    return result; // called with arguments (tests, the panel): no buttons to wait on
  }
  const choice = await vscode.window.showInformationMessage(`Tandem: ${verdict}`, 'Promote');
  if (choice === 'Promote') await vscode.commands.executeCommand('tandem.promoteAdapter', { role, version: imported.version });
  return result;
}

const METHOD_HELP: Record<TrainingMethod, string> = {
  sft: 'learn the approved actions',
  dpo: 'prefer approved over rejected versions of the same work',
  kto: 'approved up, rejected down, unpaired',
};

function describeProgress(event: ProgressEvent): string {
  switch (event.id) {
    case 'workspace': return `training workspace written (${event.done} examples)`;
    case 'train': return `step ${event.done}/${event.total ?? '?'}${event.loss === undefined ? '' : `, loss ${event.loss.toFixed(4)}`}`;
    case 'import': return 'importing the adapter';
    default: return event.title;
  }
}

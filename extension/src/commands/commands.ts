// The table of every command: its id (as in package.json) and what it does. Handlers take the
// context first and may take arguments, so the panel and tests can run them without prompts.
import * as vscode from 'vscode';
import type { TandemContext } from '../context.js';
import type { HunkArgs } from '../review/hunk-lenses.js';
import { evaluateAdapter, importAdapter, promoteAdapter } from './adapter-commands.js';
import { exportTrajectories, registerAdapter, scanMergedChanges, showStats } from './data-commands.js';
import { approveAll, approveFile, openDiff, reject } from './review-commands.js';
import { cancelTask, startTask } from './task-commands.js';
import { trainAdapter } from './training-commands.js';

// Handlers are checked where they are defined; the table only needs a common shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handler = (ctx: TandemContext, ...args: any[]) => unknown;

export const commands: Record<string, Handler> = {
  'tandem.openPanel': (ctx) => ctx.panel.show(),
  'tandem.startTask': startTask,
  'tandem.cancelTask': cancelTask,
  'tandem.openDiff': openDiff,
  'tandem.approveFile': approveFile,
  'tandem.approveAll': approveAll,
  'tandem.reject': reject,
  'tandem.dropHunk': (ctx, args: HunkArgs) => ctx.hunkLenses.drop(args),
  'tandem.exportTrajectories': exportTrajectories,
  'tandem.registerAdapter': registerAdapter,
  'tandem.importAdapter': importAdapter,
  'tandem.evaluateAdapter': evaluateAdapter,
  'tandem.promoteAdapter': promoteAdapter,
  'tandem.trainAdapter': trainAdapter,
  'tandem.scanMergedChanges': scanMergedChanges,
  'tandem.showStats': showStats,
  'tandem.refreshClusters': (ctx) => ctx.clusters.refresh(ctx.client()),
  'tandem.showChanges': () => vscode.commands.executeCommand('workbench.view.extension.tandem'),
  'tandem.showLog': (ctx) => ctx.log.show(),
  'tandem.retryConnection': (ctx) => ctx.connection.retry(),
};

/** Errors become a notification the user can act on, and still reach a caller that awaits the command. */
export function registerCommands(ctx: TandemContext): vscode.Disposable[] {
  return Object.entries(commands).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(ctx, ...args);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        ctx.log.info(`${id} failed: ${message}`);
        void vscode.window.showErrorMessage(`Tandem: ${message}`, 'Open Log').then((choice) => { if (choice) ctx.log.show(); });
        throw error;
      }
    }),
  );
}

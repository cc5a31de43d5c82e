// activate/deactivate only: build the one context, register the command table, start connecting.
import type * as vscode from 'vscode';
import { registerCommands } from './commands/commands.js';
import { TandemContext } from './context.js';

/** What activate() returns: tests in the extension host reach the live context through it. */
export interface TandemApi {
  ctx: TandemContext;
}

export function activate(extension: vscode.ExtensionContext): TandemApi {
  const ctx = new TandemContext(extension);
  extension.subscriptions.push(ctx, ...registerCommands(ctx));
  ctx.start();
  return { ctx };
}

export function deactivate(): void {
  // The context is disposed through extension.subscriptions; the daemon keeps running for other windows.
}

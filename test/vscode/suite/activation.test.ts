import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { Status } from '../../../daemon/src/protocol/messages.js';
import { connected, tandem, workspaceFolder } from './tandem-api.js';

describe('Tandem in a real VS Code', () => {
  it('is loaded from the development path and activates', async () => {
    const extension = vscode.extensions.getExtension('tandem-dev.tandem');
    assert.ok(extension, 'the extension under development should be loaded');
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('registers every command its package.json declares', async () => {
    const extension = vscode.extensions.getExtension('tandem-dev.tandem')!;
    const manifest = JSON.parse(readFileSync(join(extension.extensionPath, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
    const declared = manifest.contributes.commands.map((c) => c.command);
    assert.ok(declared.length >= 12, 'the manifest declares the commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(declared.filter((c) => !registered.has(c)), []);
  });

  it('opens the panel as a webview', async () => {
    const api = await tandem();
    await vscode.commands.executeCommand('tandem.openPanel');
    assert.equal(api.ctx.panel.isOpen, true);
    // The tab model reaches the extension host a moment after the panel is created.
    const panelTab = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs)
      .find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('tandem.panel'));
    while (!panelTab()) await new Promise<void>((resolve) => { const d = vscode.window.tabGroups.onDidChangeTabs(() => { d.dispose(); resolve(); }); });
    assert.equal(panelTab()!.label, 'Tandem');
  });

  it('refuses a rejection without a reason, with a message that says why', async () => {
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('tandem.reject', { taskId: 'any', reason: '   ', retry: true })),
      /needs a reason/,
    );
  });

  it('@daemon Train Adapter reports the daemon\'s refusal (the fixture base has no Hugging Face weights)', async () => {
    const api = await tandem();
    await connected(api);
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('tandem.trainAdapter', { role: 'worker', base: '/no/such/hf-folder', method: 'sft' })),
      /built-in random fixture, which has no Hugging Face weights/,
    );
  });

  it('@daemon attaches to the running daemon through its discovery file', async () => {
    const api = await tandem();
    await connected(api);
    const expectedPid = Number(process.env.TANDEM_VSCODE_TEST_DAEMON_PID);
    assert.equal(api.ctx.connection.client!.pid, expectedPid, 'attached to the daemon the runner started, not a new one');
    const status = await api.ctx.client().request(Status);
    assert.equal(status.pid, expectedPid);
  });

  it('@daemon sends a changed tandem.allowedCommands to the running daemon, and hands the repository back once removed', async () => {
    const api = await tandem();
    await connected(api);
    const repo = workspaceFolder();
    const config = vscode.workspace.getConfiguration('tandem');
    // The daemon answers with the repository's list as it has it now; the next answer naming the repo is this change's.
    const nextApplied = () => new Promise<string[]>((resolve) => {
      const d = api.ctx.settings.onDidApply((lists) => { if (lists[repo]) { d.dispose(); resolve(lists[repo]); } });
    });
    const added = nextApplied();
    await config.update('allowedCommands', { [repo]: ['npm test'] }, vscode.ConfigurationTarget.Global);
    assert.deepEqual(await added, ['npm test']);
    const removed = nextApplied();
    await config.update('allowedCommands', undefined, vscode.ConfigurationTarget.Global);
    assert.deepEqual(await removed, [], 'back to the daemon\'s own config, which allows nothing here');
  });

  it('@daemon sends tandem.gpuLayers and tandem.contextSize to the running daemon, which says they wait for the restart that reloads the model', async () => {
    const api = await tandem();
    await connected(api);
    const config = vscode.workspace.getConfiguration('tandem');
    const nextPending = () => new Promise<string[]>((resolve) => {
      const d = api.ctx.settings.onDidPend((pending) => { d.dispose(); resolve(pending.map((p) => `${p.setting}: ${p.message}`)); });
    });
    const layers = nextPending();
    await config.update('gpuLayers', '0', vscode.ConfigurationTarget.Global);
    assert.deepEqual(await layers, ['gpuLayers: The model was loaded with gpuLayers auto; 0 takes effect when the daemon restarts and reloads the model.']);
    const context = nextPending();
    await config.update('contextSize', 2048, vscode.ConfigurationTarget.Global);
    assert.deepEqual(await context, ['contextSize: The model was loaded with contextSize auto; 2048 takes effect when the daemon restarts and reloads the model.']);
    await config.update('gpuLayers', undefined, vscode.ConfigurationTarget.Global);
    await config.update('contextSize', undefined, vscode.ConfigurationTarget.Global);
  });
});

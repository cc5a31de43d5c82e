// The training-data commands against the real daemon, with arguments instead of pickers and dialogs.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { StatsGet } from '../../../daemon/src/protocol/messages.js';
import type { ExportManifest } from '../../../daemon/src/protocol/types.js';
import { connected, tandem } from './tandem-api.js';

describe('@daemon training data from the command palette', () => {
  it('exports trajectories: the files the manifest names hold its record counts', async () => {
    const api = await tandem();
    await connected(api);
    const dir = mkdtempSync(join(tmpdir(), 'tandem-export-'));
    const manifest = await vscode.commands.executeCommand<ExportManifest>('tandem.exportTrajectories', {
      format: 'openai-sft', role: 'all', out: join(dir, 'all.jsonl'),
    });
    assert.equal(manifest.format, 'openai-sft');
    assert.ok(manifest.files.length > 0, 'the export names the files it wrote');
    for (const file of manifest.files) {
      const lines = readFileSync(join(dir, file.path), 'utf8').split('\n').filter((line) => line.trim());
      assert.equal(lines.length, file.records, `${file.path} holds the records the manifest counts`);
      for (const line of lines) assert.ok(Array.isArray((JSON.parse(line) as { messages?: unknown }).messages), 'each record is a chat');
    }
  });

  it('shows the daemon\'s stats as a markdown table', async () => {
    const api = await tandem();
    await connected(api);
    const stats = await api.ctx.client().request(StatsGet);
    await vscode.commands.executeCommand('tandem.showStats');
    const text = vscode.window.activeTextEditor?.document.getText() ?? '';
    assert.match(text, /^# Tandem stats/);
    assert.ok(text.includes(`| all | ${stats.overall.tasks} |`), 'the table shows the task count the daemon reports');
  });

});

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

describe('Tandem in a real VS Code', () => {
  it('is installed from the development path and activates', async () => {
    const extension = vscode.extensions.getExtension('tandem-dev.tandem');
    assert.ok(extension, 'the extension under development should be loaded');
    await extension.activate();
    assert.equal(extension.isActive, true);
  });
});

// Settings that decide what runs on the user's machine cannot come from a repository's own
// .vscode/settings.json: a cloned repo must not allow commands for itself or pick the daemon's Node.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

interface SettingSchema { scope?: string }

describe('settings scope', () => {
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, SettingSchema> } };
  };
  const settings = manifest.contributes.configuration.properties;

  it('keeps allowed commands in the user\'s own settings', () => {
    assert.equal(settings['tandem.allowedCommands']?.scope, 'application');
  });

  it('keeps the daemon\'s Node out of workspace settings', () => {
    assert.equal(settings['tandem.nodePath']?.scope, 'machine');
  });
});

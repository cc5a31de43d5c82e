// A settings update from a client is checked whole before anything is applied; each refusal names
// the entry the user has to fix.
import assert from 'node:assert/strict';
import { parseSettingsUpdate } from '../../../daemon/src/services/settings-update.js';

describe('settings update (what a client may send the daemon)', () => {
  it('accepts lists of commands per absolute repository, null, a model and threads', () => {
    const raw = { allowedCommands: { '/home/me/app': ['npm test', 'npm test -- --grep "a b"'], '/home/me/lib': null }, model: ' m.gguf ', threads: 0 };
    assert.deepEqual(parseSettingsUpdate(raw), {
      ok: true,
      update: { allowedCommands: { '/home/me/app': ['npm test', 'npm test -- --grep "a b"'], '/home/me/lib': null }, model: 'm.gguf', threads: 0 },
    });
    assert.deepEqual(parseSettingsUpdate({ future: true }), { ok: true, update: {} }, 'keys it does not know are left alone');
  });

  const refusals: [string, unknown, RegExp][] = [
    ['not an object', ['npm test'], /must be an object/],
    ['allowedCommands not a map', { allowedCommands: ['npm test'] }, /map repository paths to lists of commands/],
    ['a relative repository path', { allowedCommands: { 'app': ['npm test'] } }, /"app" is not an absolute repository path/],
    ['a command list that is a string', { allowedCommands: { '/app': 'npm test' } }, /allowedCommands\["\/app"\] must be a list of commands/],
    ['a command that is not a string', { allowedCommands: { '/app': ['npm test', 7] } }, /holds 7, which is not a command line/],
    ['an empty command', { allowedCommands: { '/app': ['  '] } }, /"  " cannot be run: the command is empty/],
    ['an unclosed quote', { allowedCommands: { '/app': ['npm test -- "x'] } }, /cannot be run: unclosed " quote/],
    ['a model that is not a string', { model: 3 }, /"model" must be a model name or a GGUF file path/],
    ['negative threads', { threads: -1 }, /"threads" must be a whole number, 0 or more/],
    ['fractional threads', { threads: 1.5 }, /"threads" must be a whole number/],
  ];
  for (const [what, raw, message] of refusals) {
    it(`refuses ${what}, saying nothing was applied`, () => {
      const parsed = parseSettingsUpdate(raw);
      assert.equal(parsed.ok, false);
      assert.match(parsed.ok ? '' : parsed.message, message);
      assert.match(parsed.ok ? '' : parsed.message, /^Settings not applied: /);
    });
  }
});

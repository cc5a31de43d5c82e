// The warning VS Code shows when commands are allowed but the daemon has no sandbox to run them in.
import assert from 'node:assert/strict';
import type { SandboxStatus } from '../../../daemon/src/protocol/sandbox-status.js';
import { sandboxWarning } from '../../../extension/src/sandbox-warning.js';

const none: SandboxStatus = { available: false, mode: 'none', reason: 'bubblewrap (bwrap) is not installed', fix: 'install bubblewrap' };

describe('sandbox warning (allowed commands, no sandbox)', () => {
  it('names the repository, why there is no sandbox, and both ways out', () => {
    const text = sandboxWarning(none, { '/home/me/app': ['npm test'] });
    assert.match(text ?? '', /^Tandem: commands are allowed in \/home\/me\/app, but no sandbox works here \(bubblewrap \(bwrap\) is not installed\), so the daemon refuses to run them\./);
    assert.match(text ?? '', /Install bubblewrap \(Debian\/Ubuntu: sudo apt install bubblewrap\)/);
    assert.match(text ?? '', /TANDEM_UNSANDBOXED_COMMANDS=1/);
    assert.match(sandboxWarning(none, { '/a': ['make'], '/b': ['npm test'], '/c': [] }) ?? '', /allowed in 2 repositories/);
  });

  it('says nothing when no command is allowed, a sandbox works, the user opted out, or the daemon does not say', () => {
    assert.equal(sandboxWarning(none, { '/home/me/app': [] }), null);
    assert.equal(sandboxWarning(none, {}), null);
    assert.equal(sandboxWarning({ available: true, mode: 'bubblewrap', reason: null, fix: null }, { '/a': ['make'] }), null);
    assert.equal(sandboxWarning({ available: false, mode: 'unsandboxed', reason: null, fix: null }, { '/a': ['make'] }), null);
    assert.equal(sandboxWarning(undefined, { '/a': ['make'] }), null);
  });
});

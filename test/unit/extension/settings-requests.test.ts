// VS Code's settings mapped to the requests a running daemon gets: everything on connect, only what
// changed on a change, a removed repository handed back to the daemon's config.
import assert from 'node:assert/strict';
import { settingsRequests, type DaemonFacingSettings } from '../../../extension/src/settings-requests.js';

const base: DaemonFacingSettings = {
  model: '',
  threads: 0,
  adapters: { orchestrator: null, worker: null, critic: null },
  allowedCommands: { '/home/me/app': ['npm test'] },
};
const withChange = (change: Partial<DaemonFacingSettings>): DaemonFacingSettings => ({ ...base, ...change });

describe('settings requests (VS Code settings -> daemon requests)', () => {
  it('on connect sends every repository, the model and threads, and each pinned adapter', () => {
    const now = withChange({
      model: 'qwen-coder', threads: 2, adapters: { orchestrator: 3, worker: null, critic: null },
      allowedCommands: { '/home/me/app': ['npm test'], '/home/me/lib': [] },
    });
    assert.deepEqual(settingsRequests(null, now, 'connect'), [
      { kind: 'settings', params: { allowedCommands: { '/home/me/app': ['npm test'] } } },
      { kind: 'settings', params: { allowedCommands: { '/home/me/lib': [] } } },
      { kind: 'settings', params: { model: 'qwen-coder', threads: 2 } },
      { kind: 'adapter', params: { role: 'orchestrator', version: 3 } },
    ]);
  });

  it('on a reconnect sends everything again, and hands back the repositories removed meanwhile', () => {
    const now = withChange({ allowedCommands: { '/home/me/lib': ['make'] } });
    assert.deepEqual(settingsRequests(base, now, 'connect'), [
      { kind: 'settings', params: { allowedCommands: { '/home/me/lib': ['make'] } } },
      { kind: 'settings', params: { allowedCommands: { '/home/me/app': null } } },
      { kind: 'settings', params: { model: '', threads: 0 } },
    ]);
  });

  it('on a change sends only the repository whose commands changed', () => {
    const sent = withChange({ allowedCommands: { '/home/me/app': ['npm test'], '/home/me/lib': ['make'] } });
    const now = withChange({ allowedCommands: { '/home/me/app': ['npm test', 'npm run lint'], '/home/me/lib': ['make'] } });
    assert.deepEqual(settingsRequests(sent, now, 'change'), [
      { kind: 'settings', params: { allowedCommands: { '/home/me/app': ['npm test', 'npm run lint'] } } },
    ]);
    const reordered = withChange({ allowedCommands: { '/home/me/app': ['npm run lint', 'npm test'], '/home/me/lib': ['make'] } });
    assert.equal(settingsRequests(now, reordered, 'change').length, 1, 'a list in another order is sent too');
  });

  it('hands a repository removed from the setting back to the daemon (null), and sends a list emptied as []', () => {
    const sent = withChange({ allowedCommands: { '/home/me/app': ['npm test'], '/home/me/lib': ['make'] } });
    const now = withChange({ allowedCommands: { '/home/me/lib': [] } });
    assert.deepEqual(settingsRequests(sent, now, 'change'), [
      { kind: 'settings', params: { allowedCommands: { '/home/me/lib': [] } } },
      { kind: 'settings', params: { allowedCommands: { '/home/me/app': null } } },
    ]);
  });

  it('sends a model or threads change alone, and a newly pinned adapter, but nothing for an unpinned one', () => {
    assert.deepEqual(settingsRequests(base, withChange({ threads: 4 }), 'change'), [{ kind: 'settings', params: { threads: 4 } }]);
    assert.deepEqual(settingsRequests(base, withChange({ model: '/models/m.gguf' }), 'change'), [{ kind: 'settings', params: { model: '/models/m.gguf' } }]);
    const pinned = withChange({ adapters: { orchestrator: null, worker: 2, critic: null } });
    assert.deepEqual(settingsRequests(base, pinned, 'change'), [{ kind: 'adapter', params: { role: 'worker', version: 2 } }]);
    assert.deepEqual(settingsRequests(pinned, base, 'change'), [], 'unpinning keeps the daemon\'s active adapter');
  });

  it('sends nothing when nothing the daemon uses changed', () => {
    assert.deepEqual(settingsRequests(base, withChange({ allowedCommands: { '/home/me/app': ['npm test'] } }), 'change'), []);
  });

  it('sends the critic and attempts switches on connect and when they change, on their own request', () => {
    const on = withChange({ critic: true, attempts: 3 });
    assert.deepEqual(settingsRequests(null, on, 'connect').at(-1), { kind: 'settings', params: { critic: true, attempts: 3 } });
    assert.deepEqual(settingsRequests(on, withChange({ critic: true, attempts: 2 }), 'change'), [{ kind: 'settings', params: { attempts: 2 } }]);
    assert.deepEqual(settingsRequests(on, on, 'change'), []);
  });

  it('sends the GPU layers and context size on connect and when they change, on their own request', () => {
    const set = withChange({ gpuLayers: 'max', contextSize: 2048 });
    assert.deepEqual(settingsRequests(null, set, 'connect').at(-1), { kind: 'settings', params: { gpuLayers: 'max', contextSize: 2048 } });
    assert.deepEqual(settingsRequests(set, withChange({ gpuLayers: '12', contextSize: 2048 }), 'change'), [{ kind: 'settings', params: { gpuLayers: '12' } }]);
    assert.deepEqual(settingsRequests(set, set, 'change'), []);
  });
});

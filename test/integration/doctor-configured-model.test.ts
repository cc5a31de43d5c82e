// `tandem doctor` on a configured model that cannot be used: missing, empty, truncated or not GGUF.
// Real files and the real validator; the fixture generation the doctor also runs is not repeated here.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tandemPaths } from '../../daemon/src/paths.js';
import { writeFixtureModel } from '../../daemon/src/runtime/fixture-model.js';
import { checkConfiguredModel } from '../../daemon/src/services/configured-model-check.js';

describe('tandem doctor: the configured model', () => {
  let home: string;
  let good = '';
  const configure = (model: string) => writeFileSync(join(home, 'config.json'), JSON.stringify({ model }));
  const check = (env: NodeJS.ProcessEnv = {}) => checkConfiguredModel(tandemPaths({ TANDEM_HOME: home }), env);

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'tandem-doctor-model-'));
    good = (await writeFixtureModel(join(home, 'fixture'), { preset: 'tiny', seed: 1 })).modelPath;
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  it('passes a usable model, and says nothing when none is configured', async () => {
    assert.deepEqual(await check(), { configured: null, problem: null });
    configure(good);
    assert.deepEqual(await check(), { configured: { source: 'config.json', value: good }, problem: null });
  });

  it('reports a missing, empty, truncated or corrupt configured model as a problem', async () => {
    const bytes = readFileSync(good);
    const cases: [string, Buffer | null, RegExp][] = [
      ['missing.gguf', null, /names, .*missing\.gguf, is not on this machine/],
      ['empty.gguf', Buffer.alloc(0), /cannot be used: /],
      ['truncated.gguf', bytes.subarray(0, Math.floor(bytes.length / 2)), /cannot be used: .*truncated|cannot be used: .*ends/i],
      ['corrupt.gguf', Buffer.from('this is not a model at all, just text'), /cannot be used: .*GGUF/],
    ];
    for (const [name, content, problem] of cases) {
      const path = join(home, name);
      if (content) writeFileSync(path, content);
      configure(path);
      const result = await check();
      assert.match(result.problem ?? '(no problem reported)', problem, name);
    }
    const fromEnv = await check({ TANDEM_MODEL: join(home, 'corrupt.gguf') });
    assert.equal(fromEnv.configured?.source, 'TANDEM_MODEL');
    assert.match(fromEnv.problem ?? '', /cannot be used/);
  });
});

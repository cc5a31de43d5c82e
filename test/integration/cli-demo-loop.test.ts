// `tandem demo --loop` as a real process: what it refuses before starting anything. Each refusal says how to
// get the missing piece and writes nothing into the Tandem home. (The loop itself is flywheel-loop.test.ts.)
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { interopFile } from './helpers/llama-tiny.js';
import { buildOnce, makeTandemHome, type TandemHome } from './support/tandem-cli.js';

describe('tandem demo --loop refuses what it cannot run (real process)', function () {
  this.timeout(120_000);
  let tandem: TandemHome;
  let emptyCache: string;
  before(() => {
    buildOnce();
    tandem = makeTandemHome();
    // No training Python anywhere: no TANDEM_PYTHON, and the venv `train --setup` makes is looked for in an empty cache.
    emptyCache = join(tandem.home, 'empty-cache');
    mkdirSync(emptyCache);
    delete tandem.env.TANDEM_PYTHON;
    delete tandem.env.TANDEM_TRAIN_VENV;
    tandem.env.XDG_CACHE_HOME = emptyCache;
  });
  after(() => tandem?.remove());

  const homeEntries = () => readdirSync(tandem.home).filter((name) => name !== 'empty-cache');

  it('without the training Python (llama-tiny found by default) it names the setup command', async () => {
    const run = await tandem.tandem('demo', '--loop');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /needs the training Python: run `tandem train --setup`/);
    assert.match(run.stderr, /--python PATH \/ set TANDEM_PYTHON/);
    assert.deepEqual(homeEntries(), [], 'nothing written into the Tandem home');
  });

  it('with a --python that cannot run, it names that Python (as JSON with --json)', async () => {
    const run = await tandem.tandemJson<{ error: string }>('demo', '--loop', '--python', join(tandem.home, 'no-such-python'));
    assert.equal(run.code, 1);
    assert.match(run.json.error, /Cannot run Python at .*no-such-python/);
    assert.match(run.json.error, /tandem train --setup/);
    assert.deepEqual(homeEntries(), []);
  });

  it('with a missing base or GGUF it names --base and --gguf, before looking for Python', async () => {
    const noFolder = await tandem.tandem('demo', '--loop', '--base', join(tandem.home, 'no-model'), '--gguf', interopFile('base.gguf'));
    assert.equal(noFolder.code, 1);
    assert.match(noFolder.stderr, /no-model is not a Hugging Face model folder \(no config\.json\)\. Pass --base HF_DIR .* and --gguf FILE/);

    const noGguf = await tandem.tandem('demo', '--loop', '--base', interopFile('hf'), '--gguf', join(tandem.home, 'missing.gguf'));
    assert.equal(noGguf.code, 1);
    assert.match(noGguf.stderr, /No GGUF at .*missing\.gguf/);

    const alone = await tandem.tandem('demo', '--loop', '--gguf', interopFile('base.gguf'));
    assert.equal(alone.code, 1);
    assert.match(alone.stderr, /--base and --gguf go together/);
    assert.doesNotMatch(`${noFolder.stderr}${noGguf.stderr}${alone.stderr}`, /training Python/, 'the model is checked first');
    assert.deepEqual(homeEntries(), []);
  });
});

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes } from '../../../daemon/src/protocol/errors.js';
import { AdapterRegistry, type AdapterValidator } from '../../../daemon/src/runtime/adapter-registry.js';
import { sha256File } from '../../../daemon/src/runtime/sha256-file.js';

const BASE_SHA = 'b'.repeat(64);

describe('adapter registry', () => {
  let dir: string;
  let adaptersDir: string;
  let registryFile: string;
  const accept: AdapterValidator = async () => undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tandem-registry-'));
    adaptersDir = join(dir, 'adapters');
    registryFile = join(adaptersDir, 'registry.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const registry = (validate: AdapterValidator = accept) =>
    new AdapterRegistry({ registryFile, adaptersDir, validate, baseModelSha: async () => BASE_SHA, now: () => new Date('2025-01-02T03:04:05Z') });

  function adapterFile(name: string, content: string): string {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  }

  it('copies each added file in as the next version of its role, with its sha256, the base sha and the time', async () => {
    const reg = registry();
    const first = await reg.add('worker', adapterFile('a.gguf', 'adapter one'));
    const second = await reg.add('worker', adapterFile('b.gguf', 'adapter two'));
    const other = await reg.add('orchestrator', adapterFile('c.gguf', 'adapter three'));
    assert.ok(first.ok && second.ok && other.ok);

    assert.equal(first.value.version, 1);
    assert.equal(second.value.version, 2);
    assert.equal(other.value.version, 1, 'versions count per role');
    assert.equal(second.value.path, join(adaptersDir, 'worker', 'v2.gguf'));
    assert.equal(readFileSync(second.value.path, 'utf8'), 'adapter two');
    assert.equal(second.value.sha256, await sha256File(join(dir, 'b.gguf')));
    assert.equal(second.value.baseModelSha, BASE_SHA);
    assert.equal(second.value.addedAt, '2025-01-02T03:04:05.000Z');
    assert.equal(existsSync(join(dir, 'b.gguf')), true, 'the original file is left where it was');

    // A new registry object reads the same state back from disk.
    const listed = registry().list('worker');
    assert.deepEqual(listed.map((a) => [a.version, a.active]), [[1, false], [2, true]]);
    assert.equal(registry().list().length, 3);
  });

  it('makes the newest version active, and switches with use, including back to the base model', async () => {
    const reg = registry();
    await reg.add('worker', adapterFile('a.gguf', 'one'));
    await reg.add('worker', adapterFile('b.gguf', 'two'));
    assert.equal(reg.active('worker')?.version, 2);
    assert.equal(reg.active('orchestrator'), null);

    const used = reg.use('worker', 1);
    assert.ok(used.ok);
    assert.deepEqual(used.value, { role: 'worker', version: 1, sha256: reg.list('worker')[0]!.sha256 });
    assert.equal(registry().active('worker')?.version, 1);

    const base = reg.use('worker', null);
    assert.ok(base.ok);
    assert.deepEqual(base.value, { role: 'worker', version: null, sha256: null });
    assert.equal(registry().active('worker'), null);

    const missing = reg.use('worker', 7);
    assert.ok(!missing.ok);
    assert.equal(missing.code, ErrorCodes.NotFound);
    assert.match(missing.message, /worker has no adapter v7/);
  });

  it('refuses to remove the active version and removes an inactive one with its file; versions are never reused', async () => {
    const reg = registry();
    await reg.add('worker', adapterFile('a.gguf', 'one'));
    const second = await reg.add('worker', adapterFile('b.gguf', 'two'));
    assert.ok(second.ok);

    const refused = reg.remove('worker', 2);
    assert.ok(!refused.ok);
    assert.equal(refused.code, ErrorCodes.InvalidState);
    assert.match(refused.message, /worker v2 is active/);
    assert.ok(existsSync(second.value.path));

    reg.use('worker', 1);
    const removed = reg.remove('worker', 2);
    assert.ok(removed.ok);
    assert.ok(!existsSync(second.value.path));
    assert.deepEqual(reg.list('worker').map((a) => a.version), [1]);

    const third = await reg.add('worker', adapterFile('c.gguf', 'three'));
    assert.ok(third.ok);
    assert.equal(third.value.version, 3, 'v2 meant other weights once, so it is not handed out again');
  });

  it('registers nothing and keeps no copy when validation throws', async () => {
    const reg = registry(async (path) => {
      assert.ok(existsSync(path), 'the validator sees the copy');
      throw new Error('made for architecture "gpt2", but the base model is "llama"');
    });
    const outcome = await reg.add('worker', adapterFile('bad.gguf', 'not an adapter'));

    assert.ok(!outcome.ok);
    assert.equal(outcome.code, ErrorCodes.BadAdapterFile);
    assert.match(outcome.message, /bad\.gguf was not added: made for architecture "gpt2"/);
    assert.deepEqual(reg.list(), []);
    assert.deepEqual(readdirSync(join(adaptersDir, 'worker')), [], 'no copied or temporary file is left');
    assert.ok(!existsSync(registryFile));
  });

  it('refuses a missing file and a file already registered for the role', async () => {
    const reg = registry();
    const missing = await reg.add('worker', join(dir, 'nope.gguf'));
    assert.ok(!missing.ok);
    assert.match(missing.message, /nope\.gguf: no such file/);

    const file = adapterFile('a.gguf', 'one');
    await reg.add('worker', file);
    const again = await reg.add('worker', file);
    assert.ok(!again.ok);
    assert.equal(again.code, ErrorCodes.Conflict);
    assert.match(again.message, /already registered as worker v1/);
    assert.deepEqual(readdirSync(join(adaptersDir, 'worker')), ['v1.gguf']);
  });

  it('writes the registry atomically: a complete JSON document and no temp files beside it', async () => {
    const reg = registry();
    for (const [i, text] of ['one', 'two', 'three'].entries()) await reg.add('orchestrator', adapterFile(`${i}.gguf`, text));
    reg.use('orchestrator', 2);

    const stored = JSON.parse(readFileSync(registryFile, 'utf8'));
    assert.equal(stored.roles.orchestrator.active, 2);
    assert.equal(stored.roles.orchestrator.adapters.length, 3);
    assert.deepEqual(readdirSync(adaptersDir).sort(), ['orchestrator', 'registry.json']);
  });

  it('names the file when the registry is corrupt instead of starting over', () => {
    const reg = registry();
    mkdirSync(adaptersDir, { recursive: true });
    writeFileSync(registryFile, '{"roles": {"worker": {"adapters": 3}}');
    assert.throws(() => reg.list(), /registry\.json is not valid JSON; fix or delete it/);
    writeFileSync(registryFile, '{"roles": {"worker": {"adapters": 3}}}');
    assert.throws(() => reg.list(), /the entry for worker is malformed/);
  });

  it("names the user's file in a validation error, not the copy it checked", async () => {
    const file = adapterFile('mine.gguf', 'not gguf');
    const { validateAdapterFile } = await import('../../../daemon/src/runtime/gguf-validate.js');
    const outcome = await registry(async (path) => {
      const checked = await validateAdapterFile(path, { architecture: 'llama' } as never);
      if (!checked.ok) throw new Error(checked.error.message);
    }).add('worker', file);
    assert.equal(outcome.ok, false);
    const message = (outcome as { message: string }).message;
    assert.ok(message.startsWith(`${file} was not added: `), message);
    assert.doesNotMatch(message, /\.incoming-/);
    assert.ok(message.slice(file.length).includes(file), `the problem itself names ${file}: ${message}`);
  });
});

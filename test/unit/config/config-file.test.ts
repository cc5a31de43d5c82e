import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig, updateConfig } from '../../../daemon/src/config.js';
import { writeJsonFileAtomic } from '../../../daemon/src/json-file.js';

describe('config file', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tandem-config-'));
    path = join(dir, 'config.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a missing file as an empty config and round-trips updates', () => {
    assert.deepEqual(readConfig(path), {});
    updateConfig(path, (c) => ({ ...c, model: '/models/a.gguf', threads: 2 }));
    updateConfig(path, (c) => ({ ...c, allowedCommands: { '/repo': ['npm test'] } }));
    assert.deepEqual(readConfig(path), { model: '/models/a.gguf', threads: 2, allowedCommands: { '/repo': ['npm test'] } });
    const { model: _dropped, ...rest } = readConfig(path);
    updateConfig(path, () => rest);
    assert.equal(readConfig(path).model, undefined, 'a key left out of the update is unset');
  });

  it('reads the GPU memory settings and names a bad one', () => {
    writeFileSync(path, JSON.stringify({ gpuLayers: 'max', contextSize: 2048 }));
    assert.deepEqual(readConfig(path), { gpuLayers: 'max', contextSize: 2048 });
    updateConfig(path, (c) => ({ ...c, gpuLayers: 0 }));
    assert.deepEqual(readConfig(path), { gpuLayers: 0, contextSize: 2048 });
    writeFileSync(path, JSON.stringify({ gpuLayers: 'all' }));
    assert.throws(() => readConfig(path), /config\.json: gpuLayers must be "auto", "max" or a whole number/);
  });

  it('keeps keys it does not know about', () => {
    writeFileSync(path, JSON.stringify({ threads: 1, telemetry: false }));
    updateConfig(path, (c) => ({ ...c, threads: 3 }));
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { threads: 3, telemetry: false });
  });

  it('names the bad field of a malformed config', () => {
    writeFileSync(path, JSON.stringify({ threads: 0 }));
    assert.throws(() => readConfig(path), /"threads" must be a whole number of at least 1/);
    writeFileSync(path, JSON.stringify({ allowedCommands: { '/repo': 'npm test' } }));
    assert.throws(() => readConfig(path), /"allowedCommands" must map repository paths to lists of commands/);
    writeFileSync(path, '{ not json');
    assert.throws(() => readConfig(path), /config\.json is not valid JSON/);
  });

  it('replaces the file in one rename and leaves the old content when writing fails', () => {
    writeJsonFileAtomic(path, { a: 1 });
    const before = statSync(path).ino;
    writeJsonFileAtomic(path, { a: 2 });
    assert.notEqual(statSync(path).ino, before, 'a new file was renamed over the old one, not rewritten in place');
    assert.throws(() => writeJsonFileAtomic(path, { a: 3n }), /BigInt/);
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { a: 2 });
    assert.deepEqual(readdirSync(dir), ['config.json'], 'no temp file is left behind');
  });
});

import assert from 'node:assert/strict';
import { builtinCatalog, parseCatalog, type ModelCatalog } from '../../../daemon/src/runtime/model-catalog.js';
import { resolvePullSource } from '../../../daemon/src/runtime/model-source.js';

const SHA = 'a'.repeat(64);
const catalog: ModelCatalog = {
  defaultName: 'small',
  models: [{ name: 'small', description: 'd', uri: 'hf:org/small-GGUF/small-q4.gguf', fileName: 'small-q4.gguf', sizeBytes: 10, sha256: SHA }],
};

describe('model catalog', () => {
  it('ships a small and a larger coder model as hf: URIs and names a default', () => {
    assert.ok(builtinCatalog.models.length >= 2);
    assert.ok(builtinCatalog.models.every((m) => m.uri.startsWith('hf:') && m.fileName.endsWith('.gguf')));
    assert.ok(builtinCatalog.models.some((m) => m.name === builtinCatalog.defaultName));
  });

  it('rejects a catalog with a bad checksum or an unknown default', () => {
    const entry = { ...catalog.models[0]! };
    assert.throws(() => parseCatalog({ default: 'small', models: [{ ...entry, sha256: 'abc' }] }), /"sha256" must be 64 lowercase hex digits or null/);
    assert.throws(() => parseCatalog({ default: 'large', models: [entry] }), /"default" must name one of its models/);
    assert.throws(() => parseCatalog({ default: 'small', models: [{ ...entry, fileName: '../evil.gguf' }] }), /"fileName" must be a plain name/);
  });
});

describe('pull source', () => {
  it('resolves a catalog name to its URI, file name and checksum', () => {
    assert.deepEqual(resolvePullSource('small', { catalog }), {
      ok: true,
      source: { uri: 'hf:org/small-GGUF/small-q4.gguf', fileName: 'small-q4.gguf', name: 'small', sha256: SHA, sizeBytes: 10 },
    });
  });

  it('takes the file name from hf: file URIs and leaves it to the manifest for hf:user/repo:quant', () => {
    const file = resolvePullSource('hf:org/repo/sub/model-Q4_K_M.gguf#dev', { catalog });
    assert.ok(file.ok);
    assert.equal(file.source.fileName, 'model-Q4_K_M.gguf');
    const quant = resolvePullSource('hf:org/repo:Q4_K_M', { catalog });
    assert.ok(quant.ok);
    assert.equal(quant.source.fileName, null);
  });

  it('accepts https URLs and loopback http, and refuses remote plain http without a checksum', () => {
    assert.ok(resolvePullSource('https://example.com/m/coder.gguf', { catalog }).ok);
    assert.ok(resolvePullSource('http://127.0.0.1:8080/coder.gguf', { catalog }).ok);
    const remote = resolvePullSource('http://example.com/coder.gguf', { catalog });
    assert.ok(!remote.ok);
    assert.match(remote.message, /refusing an unencrypted http:\/\/ download without a checksum/);
    assert.ok(resolvePullSource('http://example.com/coder.gguf', { catalog, sha256: SHA }).ok);
  });

  it('explains what it cannot use', () => {
    const cases: [string, Parameters<typeof resolvePullSource>[1], RegExp][] = [
      ['tiny', { catalog }, /"tiny" is not a catalog model \(small\), an hf: URI or an https:\/\/ URL/],
      ['https://example.com/download?id=3', { catalog }, /pass --file NAME\.gguf/],
      ['https://example.com/m-00001-of-00003.gguf', { catalog }, /split GGUF models/],
      ['ftp://example.com/m.gguf', { catalog }, /cannot download from ftp: URLs/],
      ['small', { catalog, sha256: 'b'.repeat(64) }, /differs from the catalog's checksum/],
      ['small', { catalog, sha256: 'xyz' }, /--sha256 must be 64 hex digits/],
      ['https://example.com/m.gguf', { catalog, fileName: '../../etc/passwd' }, /--file must be a plain file name/],
    ];
    for (const [arg, options, message] of cases) {
      const outcome = resolvePullSource(arg, options);
      assert.ok(!outcome.ok, arg);
      assert.match(outcome.message, message);
    }
  });
});

import assert from 'node:assert/strict';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GgmlType, GgufValueType } from '../../../daemon/src/runtime/gguf-format.js';
import { readGgufFile } from '../../../daemon/src/runtime/gguf-reader.js';
import { gguf, writeGgufFile } from '../../../daemon/src/runtime/gguf-writer.js';

describe('GGUF writer and reader', () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'tandem-gguf-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  const floats = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

  it('reads back every metadata type, tensor info and tensor bytes it wrote', async () => {
    const path = join(dir, 'round-trip.gguf');
    const a = floats([1, 2, 3, 4, 5, 6]);
    const b = floats([-0.5, 0.25, 7]);
    await writeGgufFile(path, {
      metadata: [
        ['general.architecture', gguf.str('llama')],
        ['count', gguf.u32(4_000_000_000)],
        ['signed', gguf.i32(-7)],
        ['ratio', gguf.f32(0.5)],
        ['flag', gguf.bool(true)],
        ['big', { type: GgufValueType.Uint64, value: 2n ** 60n }],
        ['words', gguf.strings(['a', 'ünïcode', '<0x0A>'])],
        ['numbers', gguf.i32s([1, -2, 3])],
      ],
      tensors: [
        { name: 'a', shape: [3, 2], type: GgmlType.F32, data: () => a },
        { name: 'b', shape: [3], type: GgmlType.F32, data: () => b },
      ],
    });
    const file = await readGgufFile(path);
    assert.equal(file.version, 3);
    assert.equal(file.metadata.get('general.architecture'), 'llama');
    assert.equal(file.metadata.get('count'), 4_000_000_000);
    assert.equal(file.metadata.get('signed'), -7);
    assert.equal(file.metadata.get('ratio'), 0.5);
    assert.equal(file.metadata.get('flag'), true);
    assert.equal(file.metadata.get('big'), 2n ** 60n);
    assert.deepEqual(file.metadata.get('words'), ['a', 'ünïcode', '<0x0A>']);
    assert.deepEqual(file.metadata.get('numbers'), [1, -2, 3]);
    assert.deepEqual(file.tensors.map((t) => [t.name, t.shape, t.type]), [['a', [3, 2], 0], ['b', [3], 0]]);
    assert.equal(file.dataOffset % 32, 0);
    for (const tensor of file.tensors) assert.equal(tensor.offset % 32, 0, `${tensor.name} is aligned`);

    const handle = await open(path, 'r');
    try {
      for (const [tensor, expected] of [[file.tensors[0]!, a], [file.tensors[1]!, b]] as const) {
        const got = Buffer.alloc(expected.length);
        await handle.read(got, 0, got.length, file.dataOffset + tensor.offset);
        assert.deepEqual(new Uint8Array(got), expected);
      }
    } finally {
      await handle.close();
    }
    assert.equal((await stat(path)).size, file.fileSize);
  });

  it('summarises arrays longer than asked instead of keeping them', async () => {
    const path = join(dir, 'long-array.gguf');
    const words = Array.from({ length: 50 }, (_, i) => `token${i}`);
    await writeGgufFile(path, { metadata: [['words', gguf.strings(words)], ['after', gguf.u32(9)]], tensors: [] });
    const file = await readGgufFile(path, { maxArrayItems: 10 });
    assert.deepEqual(file.metadata.get('words'), { itemType: GgufValueType.String, length: 50 });
    assert.equal(file.metadata.get('after'), 9, 'the value after the skipped array is read correctly');
  });

  it('refuses a tensor whose data does not match its shape, leaving no file behind', async () => {
    const path = join(dir, 'bad.gguf');
    await assert.rejects(
      writeGgufFile(path, { metadata: [], tensors: [{ name: 'w', shape: [4], type: GgmlType.F32, data: () => floats([1]) }] }),
      /got 4 bytes, expected 16/,
    );
    await assert.rejects(stat(path));
    await assert.rejects(stat(`${path}.partial`));
  });
});

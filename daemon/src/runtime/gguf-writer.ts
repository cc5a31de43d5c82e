// Writes GGUF v3 files: header, metadata, tensor infos, then each tensor's data, streamed to disk.
// The file is written beside its destination and renamed into place, so a failure leaves nothing half-written.
import { open, rename, rm } from 'node:fs/promises';
import {
  GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GGUF_VERSION, GgufValueType, VALUE_TYPE_SIZE, alignUp, tensorByteSize,
  type GgmlType, type GgufScalar, type GgufValue,
} from './gguf-format.js';

export interface GgufTensorSource {
  name: string;
  /** ggml `ne` order: innermost dimension first. */
  shape: number[];
  type: GgmlType;
  /** Produces the tensor's bytes when it is written, so large models never sit in memory whole. */
  data: () => Uint8Array;
}

export interface GgufWriteInput {
  metadata: [key: string, value: GgufValue][];
  tensors: GgufTensorSource[];
}

/** Small constructors so callers read like the metadata they write. */
export const gguf = {
  u32: (value: number): GgufValue => ({ type: GgufValueType.Uint32, value }),
  i32: (value: number): GgufValue => ({ type: GgufValueType.Int32, value }),
  f32: (value: number): GgufValue => ({ type: GgufValueType.Float32, value }),
  bool: (value: boolean): GgufValue => ({ type: GgufValueType.Bool, value }),
  str: (value: string): GgufValue => ({ type: GgufValueType.String, value }),
  strings: (value: string[]): GgufValue => ({ type: GgufValueType.Array, itemType: GgufValueType.String, value }),
  f32s: (value: number[]): GgufValue => ({ type: GgufValueType.Array, itemType: GgufValueType.Float32, value }),
  i32s: (value: number[]): GgufValue => ({ type: GgufValueType.Array, itemType: GgufValueType.Int32, value }),
};

export async function writeGgufFile(path: string, input: GgufWriteInput): Promise<void> {
  const alignment = GGUF_DEFAULT_ALIGNMENT;
  const sizes = input.tensors.map((t) => {
    const size = tensorByteSize(t.type, t.shape);
    if (size === null || !Number.isInteger(size)) throw new Error(`Tensor ${t.name}: shape ${t.shape.join('x')} does not fit type ${t.type}`);
    return size;
  });
  const offsets: number[] = [];
  let dataSize = 0;
  for (const size of sizes) {
    offsets.push(dataSize);
    dataSize = alignUp(dataSize + size, alignment);
  }

  const header = new ByteSink();
  header.raw(Buffer.from(GGUF_MAGIC, 'ascii'));
  header.u32(GGUF_VERSION);
  header.u64(input.tensors.length);
  header.u64(input.metadata.length);
  for (const [key, value] of input.metadata) {
    header.string(key);
    header.u32(value.type);
    header.value(value);
  }
  input.tensors.forEach((t, i) => {
    header.string(t.name);
    header.u32(t.shape.length);
    for (const dim of t.shape) header.u64(dim);
    header.u32(t.type);
    header.u64(offsets[i]!);
  });
  const headerBytes = header.bytes();
  const dataStart = alignUp(headerBytes.length, alignment);

  const partial = `${path}.partial`;
  const file = await open(partial, 'w');
  try {
    await file.write(headerBytes, 0, headerBytes.length, 0);
    for (const [i, tensor] of input.tensors.entries()) {
      const bytes = tensor.data();
      if (bytes.length !== sizes[i]) throw new Error(`Tensor ${tensor.name}: got ${bytes.length} bytes, expected ${sizes[i]}`);
      await file.write(bytes, 0, bytes.length, dataStart + offsets[i]!);
    }
    // Positioned writes leave gaps as zeros; the last tensor's padding still has to exist on disk.
    await file.truncate(dataStart + dataSize);
    await file.close();
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  }
  await rename(partial, path);
}

/** Accumulates little-endian header bytes in chunks. */
class ByteSink {
  private readonly chunks: Buffer[] = [];

  raw(bytes: Buffer): void { this.chunks.push(bytes); }
  u32(n: number): void { const b = Buffer.alloc(4); b.writeUInt32LE(n); this.chunks.push(b); }
  u64(n: number | bigint): void { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(n)); this.chunks.push(b); }
  string(s: string): void { const bytes = Buffer.from(s, 'utf8'); this.u64(bytes.length); this.chunks.push(bytes); }
  bytes(): Buffer { return Buffer.concat(this.chunks); }

  value(v: GgufValue): void {
    if (v.type !== GgufValueType.Array) return this.scalar(v.type, v.value);
    this.u32(v.itemType);
    this.u64(v.value.length);
    for (const item of v.value) this.scalar(v.itemType, item);
  }

  private scalar(type: GgufValueType, value: GgufScalar): void {
    if (type === GgufValueType.String) return this.string(String(value));
    const size = VALUE_TYPE_SIZE[type];
    if (size === undefined) throw new Error(`GGUF value type ${type} cannot be a scalar`);
    const b = Buffer.alloc(size);
    switch (type) {
      case GgufValueType.Uint8: b.writeUInt8(Number(value)); break;
      case GgufValueType.Int8: b.writeInt8(Number(value)); break;
      case GgufValueType.Bool: b.writeUInt8(value ? 1 : 0); break;
      case GgufValueType.Uint16: b.writeUInt16LE(Number(value)); break;
      case GgufValueType.Int16: b.writeInt16LE(Number(value)); break;
      case GgufValueType.Uint32: b.writeUInt32LE(Number(value)); break;
      case GgufValueType.Int32: b.writeInt32LE(Number(value)); break;
      case GgufValueType.Float32: b.writeFloatLE(Number(value)); break;
      case GgufValueType.Uint64: b.writeBigUInt64LE(BigInt(value)); break;
      case GgufValueType.Int64: b.writeBigInt64LE(BigInt(value)); break;
      case GgufValueType.Float64: b.writeDoubleLE(Number(value)); break;
    }
    this.chunks.push(b);
  }
}

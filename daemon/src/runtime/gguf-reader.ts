// Reads a GGUF file's header, metadata and tensor infos through a small buffered cursor:
// it never loads tensor data, and long arrays (a vocabulary) can be walked without being kept.
import { open, type FileHandle } from 'node:fs/promises';
import { GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GgufValueType, VALUE_TYPE_SIZE, alignUp, type GgufScalar } from './gguf-format.js';

export interface GgufTensorInfo {
  name: string;
  /** ggml `ne` order: innermost dimension first. */
  shape: number[];
  type: number;
  /** Offset of the data from the start of the data section. */
  offset: number;
}

/** An array left unread because it was longer than the caller asked to keep. */
export interface GgufArraySummary {
  itemType: GgufValueType;
  length: number;
}

export type GgufMetadataValue = GgufScalar | GgufScalar[] | GgufArraySummary;

export interface GgufFile {
  version: number;
  metadata: Map<string, GgufMetadataValue>;
  tensors: GgufTensorInfo[];
  alignment: number;
  /** Absolute file offset where tensor data starts. */
  dataOffset: number;
  fileSize: number;
}

export type GgufReadFailure = 'not_gguf' | 'unsupported_version' | 'truncated' | 'corrupt';

export class GgufReadError extends Error {
  constructor(readonly reason: GgufReadFailure, message: string) {
    super(message);
    this.name = 'GgufReadError';
  }
}

export interface GgufReadOptions {
  /** Arrays longer than this are skipped and summarised. Defaults to 4096. */
  maxArrayItems?: number;
}

// Limits that no real model comes near; past them the header is garbage, not a model.
const MAX_STRING_BYTES = 64 * 1024 * 1024;
const MAX_COUNT = 100_000_000;
const MAX_DIMS = 4;

export async function readGgufFile(path: string, options: GgufReadOptions = {}): Promise<GgufFile> {
  const file = await open(path, 'r');
  try {
    const cursor = new FileCursor(file, (await file.stat()).size);
    return await parse(cursor, options.maxArrayItems ?? 4096);
  } finally {
    await file.close();
  }
}

async function parse(cursor: FileCursor, maxArrayItems: number): Promise<GgufFile> {
  if (cursor.fileSize < 4 || (await cursor.bytes(4)).toString('latin1') !== GGUF_MAGIC) {
    throw new GgufReadError('not_gguf', 'it does not start with the GGUF magic bytes');
  }
  const version = await cursor.u32();
  if (version !== 2 && version !== 3) throw new GgufReadError('unsupported_version', `it is GGUF version ${version}; only versions 2 and 3 are supported`);
  const tensorCount = await cursor.count('tensor count');
  const kvCount = await cursor.count('metadata count');

  const metadata = new Map<string, GgufMetadataValue>();
  for (let i = 0; i < kvCount; i++) {
    const key = await cursor.string();
    const type = (await cursor.u32()) as GgufValueType;
    if (type === GgufValueType.Array) {
      const itemType = (await cursor.u32()) as GgufValueType;
      const length = await cursor.count(`length of array ${key}`);
      if (length > maxArrayItems) {
        await skipArray(cursor, itemType, length, key);
        metadata.set(key, { itemType, length });
      } else {
        const items: GgufScalar[] = [];
        for (let j = 0; j < length; j++) items.push(await cursor.scalar(itemType, key));
        metadata.set(key, items);
      }
    } else {
      metadata.set(key, await cursor.scalar(type, key));
    }
  }

  const tensors: GgufTensorInfo[] = [];
  for (let i = 0; i < tensorCount; i++) {
    const name = await cursor.string();
    const dims = await cursor.u32();
    if (dims < 1 || dims > MAX_DIMS) throw new GgufReadError('corrupt', `tensor ${name} claims ${dims} dimensions`);
    const shape: number[] = [];
    for (let d = 0; d < dims; d++) shape.push(await cursor.count(`dimension of ${name}`));
    const type = await cursor.u32();
    const offset = Number(await cursor.u64());
    tensors.push({ name, shape, type, offset });
  }

  const alignmentValue = metadata.get('general.alignment');
  const alignment = typeof alignmentValue === 'number' && alignmentValue > 0 ? alignmentValue : GGUF_DEFAULT_ALIGNMENT;
  return { version, metadata, tensors, alignment, dataOffset: alignUp(cursor.position, alignment), fileSize: cursor.fileSize };
}

async function skipArray(cursor: FileCursor, itemType: GgufValueType, length: number, key: string): Promise<void> {
  const size = VALUE_TYPE_SIZE[itemType];
  if (size !== undefined) return cursor.skip(size * length);
  if (itemType !== GgufValueType.String) throw new GgufReadError('corrupt', `array ${key} has items of unknown type ${itemType}`);
  for (let j = 0; j < length; j++) await cursor.skip(await cursor.count(`string length in ${key}`, MAX_STRING_BYTES));
}

/** Sequential little-endian reads over a file handle, refilled 64 KiB at a time. */
class FileCursor {
  private buffer = Buffer.alloc(0);
  private bufferStart = 0;
  position = 0;

  constructor(private readonly file: FileHandle, readonly fileSize: number) {}

  async bytes(n: number): Promise<Buffer> {
    await this.ensure(n);
    const start = this.position - this.bufferStart;
    this.position += n;
    return this.buffer.subarray(start, start + n);
  }

  async skip(n: number): Promise<void> {
    if (this.position + n > this.fileSize) throw truncated();
    this.position += n;
  }

  async u32(): Promise<number> { return (await this.bytes(4)).readUInt32LE(0); }
  async u64(): Promise<bigint> { return (await this.bytes(8)).readBigUInt64LE(0); }

  /** A 64-bit count that must be a sane size; garbage headers fail here rather than allocate gigabytes. */
  async count(what: string, max = MAX_COUNT): Promise<number> {
    const n = await this.u64();
    if (n > BigInt(max)) throw new GgufReadError('corrupt', `the ${what} is ${n}, which no real file has`);
    return Number(n);
  }

  async string(): Promise<string> {
    const length = await this.count('string length', MAX_STRING_BYTES);
    return (await this.bytes(length)).toString('utf8');
  }

  async scalar(type: GgufValueType, key: string): Promise<GgufScalar> {
    if (type === GgufValueType.String) return this.string();
    const size = VALUE_TYPE_SIZE[type];
    if (size === undefined) throw new GgufReadError('corrupt', `metadata ${key} has unknown value type ${type}`);
    const b = await this.bytes(size);
    switch (type) {
      case GgufValueType.Uint8: return b.readUInt8(0);
      case GgufValueType.Int8: return b.readInt8(0);
      case GgufValueType.Bool: return b.readUInt8(0) !== 0;
      case GgufValueType.Uint16: return b.readUInt16LE(0);
      case GgufValueType.Int16: return b.readInt16LE(0);
      case GgufValueType.Uint32: return b.readUInt32LE(0);
      case GgufValueType.Int32: return b.readInt32LE(0);
      case GgufValueType.Float32: return b.readFloatLE(0);
      case GgufValueType.Float64: return b.readDoubleLE(0);
      case GgufValueType.Uint64: return narrow(b.readBigUInt64LE(0));
      default: return narrow(b.readBigInt64LE(0));
    }
  }

  private async ensure(n: number): Promise<void> {
    if (this.position + n > this.fileSize) throw truncated();
    if (this.position + n <= this.bufferStart + this.buffer.length && this.position >= this.bufferStart) return;
    const length = Math.min(Math.max(n, 64 * 1024), this.fileSize - this.position);
    const chunk = Buffer.alloc(length);
    const { bytesRead } = await this.file.read(chunk, 0, length, this.position);
    if (bytesRead < n) throw truncated();
    this.buffer = chunk.subarray(0, bytesRead);
    this.bufferStart = this.position;
  }
}

function truncated(): GgufReadError {
  return new GgufReadError('truncated', 'the file ends in the middle of its header');
}

/** 64-bit integers stay bigint only when a number would lose precision. */
function narrow(n: bigint): number | bigint {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

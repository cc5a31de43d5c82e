// Reads a .safetensors file (Hugging Face's tensor format): an 8-byte little-endian header length,
// a JSON header naming each tensor's dtype, shape and byte range, then the raw data. Only the header
// is read up front; a tensor's data is read when it is asked for, as float32.
// Spec: https://github.com/huggingface/safetensors#format
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16';
const BYTES_PER_ELEMENT: Record<SafetensorsDtype, number> = { F32: 4, F16: 2, BF16: 2 };
/** A header larger than this is not a real adapter's (it would name millions of tensors). */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export interface SafetensorsTensor {
  name: string;
  dtype: string;
  /** Row-major, outermost dimension first (torch order). */
  shape: number[];
  /** Absolute byte range in the file. */
  start: number;
  end: number;
}

export class SafetensorsError extends Error {
  constructor(readonly path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'SafetensorsError';
  }
}

export class SafetensorsFile {
  private constructor(
    readonly path: string,
    private readonly fd: number,
    readonly tensors: SafetensorsTensor[],
    readonly metadata: Record<string, string>,
  ) {}

  /** Opens and checks the header: every range lies inside the file and matches its dtype and shape. */
  static open(path: string): SafetensorsFile {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size < 8) throw new SafetensorsError(path, `is ${size} bytes, too short to be a safetensors file`);
      const lengthBytes = Buffer.alloc(8);
      readSync(fd, lengthBytes, 0, 8, 0);
      const headerLength = Number(lengthBytes.readBigUInt64LE(0));
      if (headerLength > MAX_HEADER_BYTES || 8 + headerLength > size) {
        throw new SafetensorsError(path, `is not a safetensors file (its header would be ${headerLength} bytes in a ${size}-byte file)`);
      }
      const headerBytes = Buffer.alloc(headerLength);
      readSync(fd, headerBytes, 0, headerLength, 8);
      let header: Record<string, unknown>;
      try {
        header = JSON.parse(headerBytes.toString('utf8')) as Record<string, unknown>;
      } catch {
        throw new SafetensorsError(path, 'is not a safetensors file (its header is not JSON)');
      }
      const dataStart = 8 + headerLength;
      const tensors: SafetensorsTensor[] = [];
      let metadata: Record<string, string> = {};
      for (const [name, entry] of Object.entries(header)) {
        if (name === '__metadata__') { metadata = (entry ?? {}) as Record<string, string>; continue; }
        tensors.push(tensorOf(path, name, entry, dataStart, size));
      }
      return new SafetensorsFile(path, fd, tensors, metadata);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** The tensor's values as float32 (F16 and BF16 widen exactly). */
  readFloat32(tensor: SafetensorsTensor): Float32Array {
    const bytes = Buffer.alloc(tensor.end - tensor.start);
    readSync(this.fd, bytes, 0, bytes.length, tensor.start);
    const count = elementCount(tensor.shape);
    switch (tensor.dtype as SafetensorsDtype) {
      case 'F32': return new Float32Array(bytes.buffer, bytes.byteOffset, count).slice();
      case 'F16': return widenHalf(bytes, count);
      case 'BF16': return widenBfloat(bytes, count);
      default: throw new SafetensorsError(this.path, `tensor ${tensor.name} is ${tensor.dtype}; only F32, F16 and BF16 can be read`);
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}

function tensorOf(path: string, name: string, entry: unknown, dataStart: number, fileSize: number): SafetensorsTensor {
  const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  const validShape = Array.isArray(shape) && shape.every((d) => Number.isInteger(d) && d >= 0);
  const validOffsets = Array.isArray(offsets) && offsets.length === 2 && offsets.every((o) => Number.isInteger(o) && o >= 0);
  if (typeof dtype !== 'string' || !validShape || !validOffsets) throw new SafetensorsError(path, `the header entry of ${name} is malformed`);
  const [begin, end] = offsets as [number, number];
  if (dataStart + end > fileSize || begin > end) throw new SafetensorsError(path, `is truncated: tensor ${name} ends past the end of the file`);
  const width = BYTES_PER_ELEMENT[dtype as SafetensorsDtype];
  if (width !== undefined && (end - begin) !== elementCount(shape as number[]) * width) {
    throw new SafetensorsError(path, `tensor ${name} holds ${end - begin} bytes, but a ${dtype} tensor of shape [${(shape as number[]).join(', ')}] needs ${elementCount(shape as number[]) * width}`);
  }
  return { name, dtype, shape: shape as number[], start: dataStart + begin, end: dataStart + end };
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

let halfTable: Float32Array | null = null;

function widenHalf(bytes: Buffer, count: number): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) halfTable[bits] = halfToFloat(bits);
  }
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = halfTable[bytes.readUInt16LE(i * 2)]!;
  return out;
}

/** bfloat16 is the top half of a float32, so widening is a shift. */
function widenBfloat(bytes: Buffer, count: number): Float32Array {
  const words = new Uint32Array(count);
  for (let i = 0; i < count; i++) words[i] = bytes.readUInt16LE(i * 2) << 16;
  return new Float32Array(words.buffer);
}

/** IEEE 754 half precision to a number; every half value is exact in float32. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // subnormal
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

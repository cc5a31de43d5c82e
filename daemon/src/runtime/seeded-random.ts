// A small deterministic PRNG (mulberry32), so fixture weights are byte-identical for the same seed
// on every machine and Node version (Math.random cannot be seeded).
import { endianness } from 'node:os';

export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Derives an independent stream, so each tensor's values do not depend on the order tensors are made in. */
  static forName(seed: number, name: string): SeededRandom {
    let h = (seed ^ 0x9e3779b9) >>> 0;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
    return new SeededRandom(h);
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Little-endian float32 bytes, uniform in [-scale, scale). */
  uniformF32(count: number, scale: number): Uint8Array {
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = (this.next() * 2 - 1) * scale;
    return littleEndian(values);
  }
}

export function constantF32(count: number, value: number): Uint8Array {
  return littleEndian(new Float32Array(count).fill(value));
}

function littleEndian(values: Float32Array): Uint8Array {
  const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  return endianness() === 'LE' ? bytes : bytes.swap32();
}

// The GGUF v3 file format's constants, shared by the writer and the reader.
// Spec: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md

export const GGUF_MAGIC = 'GGUF';
export const GGUF_VERSION = 3;
export const GGUF_DEFAULT_ALIGNMENT = 32;

/** The type tag written before each metadata value. */
export enum GgufValueType {
  Uint8 = 0,
  Int8 = 1,
  Uint16 = 2,
  Int16 = 3,
  Uint32 = 4,
  Int32 = 5,
  Float32 = 6,
  Bool = 7,
  String = 8,
  Array = 9,
  Uint64 = 10,
  Int64 = 11,
  Float64 = 12,
}

/** Byte width of the fixed-size value types. */
export const VALUE_TYPE_SIZE: Partial<Record<GgufValueType, number>> = {
  [GgufValueType.Uint8]: 1, [GgufValueType.Int8]: 1, [GgufValueType.Bool]: 1,
  [GgufValueType.Uint16]: 2, [GgufValueType.Int16]: 2,
  [GgufValueType.Uint32]: 4, [GgufValueType.Int32]: 4, [GgufValueType.Float32]: 4,
  [GgufValueType.Uint64]: 8, [GgufValueType.Int64]: 8, [GgufValueType.Float64]: 8,
};

/** A metadata value: scalars as numbers (64-bit integers as bigint), arrays of one item type. */
export type GgufScalar = number | bigint | boolean | string;
export type GgufValue =
  | { type: Exclude<GgufValueType, GgufValueType.Array>; value: GgufScalar }
  | { type: GgufValueType.Array; itemType: GgufValueType; value: GgufScalar[] };

/** ggml tensor types the project writes itself. Others are only read. */
export enum GgmlType {
  F32 = 0,
  F16 = 1,
}

/**
 * [elements per block, bytes per block] of each ggml tensor type, from ggml's type traits.
 * Needed to know how many bytes a tensor takes, so a truncated file can be recognised.
 */
export const GGML_TYPE_LAYOUT: Record<number, { name: string; blockSize: number; typeSize: number }> = {
  0: { name: 'F32', blockSize: 1, typeSize: 4 },
  1: { name: 'F16', blockSize: 1, typeSize: 2 },
  2: { name: 'Q4_0', blockSize: 32, typeSize: 18 },
  3: { name: 'Q4_1', blockSize: 32, typeSize: 20 },
  6: { name: 'Q5_0', blockSize: 32, typeSize: 22 },
  7: { name: 'Q5_1', blockSize: 32, typeSize: 24 },
  8: { name: 'Q8_0', blockSize: 32, typeSize: 34 },
  9: { name: 'Q8_1', blockSize: 32, typeSize: 36 },
  10: { name: 'Q2_K', blockSize: 256, typeSize: 84 },
  11: { name: 'Q3_K', blockSize: 256, typeSize: 110 },
  12: { name: 'Q4_K', blockSize: 256, typeSize: 144 },
  13: { name: 'Q5_K', blockSize: 256, typeSize: 176 },
  14: { name: 'Q6_K', blockSize: 256, typeSize: 210 },
  15: { name: 'Q8_K', blockSize: 256, typeSize: 292 },
  16: { name: 'IQ2_XXS', blockSize: 256, typeSize: 66 },
  17: { name: 'IQ2_XS', blockSize: 256, typeSize: 74 },
  18: { name: 'IQ3_XXS', blockSize: 256, typeSize: 98 },
  19: { name: 'IQ1_S', blockSize: 256, typeSize: 50 },
  20: { name: 'IQ4_NL', blockSize: 32, typeSize: 18 },
  21: { name: 'IQ3_S', blockSize: 256, typeSize: 110 },
  22: { name: 'IQ2_S', blockSize: 256, typeSize: 82 },
  23: { name: 'IQ4_XS', blockSize: 256, typeSize: 136 },
  24: { name: 'I8', blockSize: 1, typeSize: 1 },
  25: { name: 'I16', blockSize: 1, typeSize: 2 },
  26: { name: 'I32', blockSize: 1, typeSize: 4 },
  27: { name: 'I64', blockSize: 1, typeSize: 8 },
  28: { name: 'F64', blockSize: 1, typeSize: 8 },
  29: { name: 'IQ1_M', blockSize: 256, typeSize: 56 },
  30: { name: 'BF16', blockSize: 1, typeSize: 2 },
  34: { name: 'TQ1_0', blockSize: 256, typeSize: 54 },
  35: { name: 'TQ2_0', blockSize: 256, typeSize: 66 },
  39: { name: 'MXFP4', blockSize: 32, typeSize: 17 },
};

/** Bytes a tensor's data takes, or null for a type this table does not know. */
export function tensorByteSize(type: number, shape: readonly number[]): number | null {
  const layout = GGML_TYPE_LAYOUT[type];
  if (!layout) return null;
  const elements = shape.reduce((a, b) => a * b, 1);
  return (elements / layout.blockSize) * layout.typeSize;
}

export function alignUp(offset: number, alignment: number): number {
  return Math.ceil(offset / alignment) * alignment;
}

// Fewer dimensions before clustering: a real model's embedding is 2,048-8,192 wide, and k-means over
// thousands of failures for every k tried costs n·k·d per iteration. A random ±1 projection (Achlioptas)
// to a few hundred dimensions keeps cosine distances close (Johnson-Lindenstrauss) at a fraction of the
// cost; the matrix comes from a seeded RNG, so the same vectors always project the same way.
import { SeededRandom } from '../runtime/seeded-random.js';

export const PROJECTED_DIMENSIONS = 256;

export function projectVectors(vectors: readonly Float32Array[], dimensions = PROJECTED_DIMENSIONS, seed = 1): Float32Array[] {
  const width = vectors[0]?.length ?? 0;
  if (width <= dimensions) return [...vectors];
  const random = SeededRandom.forName(seed, `projection ${width}->${dimensions}`);
  // Row i holds the signs input dimension i adds with, one per output dimension.
  const signs = new Int8Array(width * dimensions);
  for (let i = 0; i < signs.length; i++) signs[i] = random.next() < 0.5 ? -1 : 1;
  return vectors.map((vector) => {
    const out = new Float32Array(dimensions);
    for (let i = 0; i < width; i++) {
      const value = vector[i]!;
      if (value === 0) continue;
      const row = i * dimensions;
      for (let j = 0; j < dimensions; j++) out[j]! += value * signs[row + j]!;
    }
    return out;
  });
}

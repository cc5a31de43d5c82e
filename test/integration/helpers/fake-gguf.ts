// A file that starts like a GGUF v3 model (magic, version, counts, one metadata key) followed by seeded
// bytes: enough for a downloader, which never parses, and for `models use`, which checks the magic.
import { createHash } from 'node:crypto';

export function makeFakeGguf(sizeBytes: number, seed: string): Buffer {
  const key = Buffer.from('general.architecture');
  const value = Buffer.from('llama');
  const header = Buffer.alloc(4 + 4 + 8 + 8 + 8 + key.length + 4 + 8 + value.length);
  let at = header.write('GGUF', 0, 'ascii');
  at = header.writeUInt32LE(3, at); // version
  at = header.writeBigUInt64LE(0n, at); // tensors
  at = header.writeBigUInt64LE(1n, at); // metadata entries
  at = header.writeBigUInt64LE(BigInt(key.length), at);
  at += key.copy(header, at);
  at = header.writeUInt32LE(8, at); // type: string
  at = header.writeBigUInt64LE(BigInt(value.length), at);
  value.copy(header, at);

  const file = Buffer.alloc(sizeBytes);
  header.copy(file);
  // Seeded filler: sha256 in counter mode, so every test run serves the same bytes.
  for (let offset = header.length, block = 0; offset < sizeBytes; block++) {
    const chunk = createHash('sha256').update(`${seed}:${block}`).digest();
    offset += chunk.copy(file, offset);
  }
  return file;
}

export const sha256Of = (data: Buffer) => createHash('sha256').update(data).digest('hex');

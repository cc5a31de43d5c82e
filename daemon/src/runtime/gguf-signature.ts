// The cheapest check that a file is a GGUF model at all: its magic and version. The full header checks
// (architecture, tensors, adapter fit) belong to the runtime's validator; this one catches the wrong file early.
import { open } from 'node:fs/promises';

export async function checkGgufSignature(path: string): Promise<void> {
  const file = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new Error(error.code === 'ENOENT' ? `${path}: no such file` : `${path}: ${error.message}`);
  });
  try {
    const head = Buffer.alloc(8);
    const { bytesRead } = await file.read(head, 0, 8, 0);
    if (bytesRead < 8 || head.toString('latin1', 0, 4) !== 'GGUF') throw new Error(`${path} is not a GGUF file`);
    const version = head.readUInt32LE(4);
    if (version < 2 || version > 3) throw new Error(`${path} is GGUF version ${version}; only versions 2 and 3 are supported`);
  } finally {
    await file.close();
  }
}

// One JSONL output file, written to a temporary file beside its target and renamed into place only
// when the whole export succeeded: an interrupted export never leaves a partial dataset behind.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const FLUSH_BYTES = 1 << 20;

export class DatasetFile {
  readonly temporary: string;
  records = 0;
  private fd: number | null;
  private readonly hash = createHash('sha256');
  private buffer: string[] = [];
  private buffered = 0;

  constructor(readonly target: string) {
    this.temporary = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.partial`);
    // 0600: datasets hold code and conversations from the user's repos.
    this.fd = openSync(this.temporary, 'wx', 0o600);
  }

  append(line: string): void {
    this.buffer.push(line, '\n');
    this.buffered += line.length + 1;
    this.records++;
    if (this.buffered >= FLUSH_BYTES) this.flush();
  }

  /** Flushes and syncs the temporary file; the target is not touched until `publish`. */
  finish(): void {
    this.flush();
    fsyncSync(this.fd!);
    closeSync(this.fd!);
    this.fd = null;
  }

  publish(): { path: string; sha256: string; records: number } {
    renameSync(this.temporary, this.target);
    return { path: this.target, sha256: this.hash.digest('hex'), records: this.records };
  }

  discard(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    rmSync(this.temporary, { force: true });
  }

  private flush(): void {
    if (!this.buffer.length) return;
    const chunk = Buffer.from(this.buffer.join(''));
    this.hash.update(chunk);
    let offset = 0;
    while (offset < chunk.length) offset += writeSync(this.fd!, chunk, offset);
    this.buffer = [];
    this.buffered = 0;
  }
}

/** Writes a small file (the manifest) the same all-or-nothing way. */
export function writeFileAtomically(target: string, content: string): void {
  const file = new DatasetFile(target);
  try {
    file.append(content.replace(/\n$/, ''));
    file.finish();
    file.publish();
  } catch (error) {
    file.discard();
    throw error;
  }
}

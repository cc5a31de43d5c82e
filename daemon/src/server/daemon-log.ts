// The daemon's log: each line to stderr and to logs/daemon.log, which rotates by size
// (daemon.log -> daemon.log.1 -> ... -> daemon.log.<keep>, the oldest dropped).
// Lines are appended synchronously so the last words before a crash are on disk.
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface DaemonLog {
  info(line: string): void;
  warn(line: string): void;
  error(line: string): void;
}

export interface DaemonLogOptions {
  dir: string;
  maxBytes?: number;
  keep?: number;
  stderr?: boolean;
}

export function createDaemonLog(options: DaemonLogOptions): DaemonLog & { readonly file: string } {
  const file = join(options.dir, 'daemon.log');
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const keep = options.keep ?? 3;
  try {
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  } catch {
    // A read-only TANDEM_HOME: read-only commands still work; each line then says it was not written.
  }
  let size = existsSync(file) ? statSync(file).size : 0;

  const rotate = () => {
    rmSync(`${file}.${keep}`, { force: true });
    for (let n = keep - 1; n >= 1; n--) if (existsSync(`${file}.${n}`)) renameSync(`${file}.${n}`, `${file}.${n + 1}`);
    if (existsSync(file)) renameSync(file, `${file}.1`);
    size = 0;
  };
  const write = (level: string, line: string) => {
    const text = `${new Date().toISOString()} ${level} [${process.pid}] ${line}\n`;
    if (options.stderr !== false) process.stderr.write(text);
    try {
      const bytes = Buffer.byteLength(text);
      if (size > 0 && size + bytes > maxBytes) rotate();
      appendFileSync(file, text, { mode: 0o600 });
      size += bytes;
    } catch (error) {
      // A full disk must not take the daemon down; stderr still has the line.
      if (options.stderr !== false) process.stderr.write(`(log file not written: ${(error as Error).message})\n`);
    }
  };
  return {
    file,
    info: (line) => write('info', line),
    warn: (line) => write('warn', line),
    error: (line) => write('error', line),
  };
}

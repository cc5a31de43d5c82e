// Makes the folder an export writes into. Node's own recursive mkdir spins forever, deaf to
// SIGTERM, on paths it cannot create under /proc (`--out /proc/self/x/y.jsonl`): this walks up
// itself, making one folder at a time, and answers such a path with an error naming it.
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ExportInputError } from './export-options.js';

export function makeOutputFolder(folder: string): void {
  const missing: string[] = [];
  for (let dir = folder; !isFolder(dir); dir = dirname(dir)) {
    if (dirname(dir) === dir) break; // the root itself: let mkdir say why
    missing.unshift(dir);
  }
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && isFolder(dir)) continue; // made meanwhile
      throw new ExportInputError(`Cannot make the folder ${folder} for --out: ${(error as Error).message}`);
    }
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

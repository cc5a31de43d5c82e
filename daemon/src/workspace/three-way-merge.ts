// Decides what a file becomes when the agent's version meets the user's current one, both grown
// from the base version. Whatever cannot be merged cleanly is a conflict, never an overwrite.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitExec } from './git-exec.js';

/** File contents; null means the file does not exist. */
export type Content = Buffer | null;

export type MergeOutcome =
  | { kind: 'result'; content: Content; merged: boolean }
  | { kind: 'conflict'; message: string };

const same = (a: Content, b: Content): boolean => (a === null || b === null ? a === b : a.equals(b));

export async function mergeThreeWay(base: Content, ours: Content, theirs: Content, cwd: string): Promise<MergeOutcome> {
  if (same(ours, base)) return { kind: 'result', content: theirs, merged: false };
  if (same(ours, theirs) || same(base, theirs)) return { kind: 'result', content: ours, merged: false };
  if (ours === null) return { kind: 'conflict', message: 'you deleted this file since the task started; the agent changed it' };
  if (theirs === null) return { kind: 'conflict', message: 'you changed this file since the task started; the agent deleted it' };
  if (base === null) return { kind: 'conflict', message: 'you created this file since the task started; the agent created it too, differently' };
  if ([base, ours, theirs].some((content) => content.includes(0))) {
    return { kind: 'conflict', message: 'you changed this binary file since the task started; binary files are not merged' };
  }
  return mergeFile(base, ours, theirs, cwd);
}

async function mergeFile(base: Buffer, ours: Buffer, theirs: Buffer, cwd: string): Promise<MergeOutcome> {
  const scratch = await mkdtemp(join(tmpdir(), 'tandem-merge-'));
  try {
    const files = { ours: join(scratch, 'ours'), base: join(scratch, 'base'), theirs: join(scratch, 'theirs') };
    await Promise.all([writeFile(files.ours, ours), writeFile(files.base, base), writeFile(files.theirs, theirs)]);
    const result = await gitExec(['merge-file', '-p', '-L', 'yours', '-L', 'base', '-L', 'tandem', files.ours, files.base, files.theirs], { cwd });
    if (result.code === 0) return { kind: 'result', content: result.stdout, merged: true };
    if (result.code > 0 && result.code < 128) {
      return { kind: 'conflict', message: `you changed this file since the task started and ${result.code} change${result.code === 1 ? '' : 's'} overlap the agent's; your file was left as it is` };
    }
    return { kind: 'conflict', message: `could not merge: ${result.stderr.trim()}` };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

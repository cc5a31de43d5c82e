// The diff of exactly what approval changed in the user's tree (their files before, after), with its
// patch-id: the store keeps both, and signals later look for that patch-id on the default branch.
// Built from two throwaway trees of only the touched paths; the user's index is never used.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitText } from './git-exec.js';
import { patchIdOf } from './task-diff.js';
import type { Content } from './three-way-merge.js';

export interface FileChange {
  path: string;
  before: Content;
  after: Content;
  executable: boolean;
}

export interface AppliedPatch {
  unified: string;
  patchId: string;
}

export async function appliedPatch(repoPath: string, changes: FileChange[]): Promise<AppliedPatch> {
  const scratch = await mkdtemp(join(tmpdir(), 'tandem-applied-'));
  try {
    const before = await treeOf(repoPath, join(scratch, 'before'), changes.map((c) => ({ path: c.path, content: c.before, executable: c.executable })));
    const after = await treeOf(repoPath, join(scratch, 'after'), changes.map((c) => ({ path: c.path, content: c.after, executable: c.executable })));
    const unified = await gitText(['diff', '--no-color', '--no-ext-diff', '--no-textconv', '-M', '--src-prefix=a/', '--dst-prefix=b/', before, after], { cwd: repoPath });
    return { unified, patchId: await patchIdOf(unified, repoPath) };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Writes the blobs into the repo's object store (harmless, unreferenced) and returns a tree of them. */
async function treeOf(repoPath: string, indexFile: string, files: { path: string; content: Content; executable: boolean }[]): Promise<string> {
  const env = { GIT_INDEX_FILE: indexFile };
  await gitText(['read-tree', '--empty'], { cwd: repoPath, env });
  for (const file of files) {
    if (file.content === null) continue;
    const blob = (await gitText(['hash-object', '-w', '--stdin', `--path=${file.path}`], { cwd: repoPath, input: file.content })).trim();
    const mode = file.executable ? '100755' : '100644';
    await gitText(['update-index', '--add', '--cacheinfo', `${mode},${blob},${file.path}`], { cwd: repoPath, env });
  }
  return (await gitText(['write-tree'], { cwd: repoPath, env })).trim();
}

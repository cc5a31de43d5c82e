// A worktree's changes against its base commit, computed by git. New untracked files count: they
// are staged into a private, temporary index, so neither the worktree's index nor the user's moves.
import { copyFile, mkdtemp, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DiffFile, TaskDiff } from '../protocol/types.js';
import { freezeAgentVersion } from './agent-version.js';
import { gitText } from './git-exec.js';
import { splitFileSections, type FileSection } from './unified-diff.js';

export interface WorktreeChanges {
  unified: string;
  patchId: string;
  files: DiffFile[];
  sections: FileSection[];
  /** The tree of the worktree's files as git staged them for this diff: the agent's version. */
  tree: string;
}

const DIFF_FLAGS = ['--no-color', '--no-ext-diff', '--no-textconv', '-M', '--src-prefix=a/', '--dst-prefix=b/'];

export async function worktreeChanges(root: string, baseCommit: string): Promise<WorktreeChanges> {
  const scratch = await mkdtemp(join(tmpdir(), 'tandem-index-'));
  try {
    const env = { GIT_INDEX_FILE: join(scratch, 'index') };
    await startIndex(root, baseCommit, env.GIT_INDEX_FILE);
    await gitText(['add', '-A', '--', '.'], { cwd: root, env });
    const unified = await gitText(['diff', '--cached', ...DIFF_FLAGS, baseCommit], { cwd: root, env });
    const nameStatus = await gitText(['diff', '--cached', ...DIFF_FLAGS, '--name-status', '-z', baseCommit], { cwd: root, env });
    const tree = (await gitText(['write-tree'], { cwd: root, env })).trim();
    const sections = splitFileSections(unified);
    return { unified, patchId: await patchIdOf(unified, root), files: describeFiles(nameStatus, sections), sections, tree };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The changes between the base and a frozen agent version: the diff as the user reviewed it. */
export async function committedChanges(root: string, baseCommit: string, agentCommit: string): Promise<WorktreeChanges> {
  const unified = await gitText(['diff', ...DIFF_FLAGS, baseCommit, agentCommit], { cwd: root });
  const nameStatus = await gitText(['diff', ...DIFF_FLAGS, '--name-status', '-z', baseCommit, agentCommit], { cwd: root });
  const sections = splitFileSections(unified);
  const tree = (await gitText(['rev-parse', `${agentCommit}^{tree}`], { cwd: root })).trim();
  return { unified, patchId: await patchIdOf(unified, root), files: describeFiles(nameStatus, sections), sections, tree };
}

/** The worktree's diff, with the agent's version of its files frozen for review (see agent-version.ts). */
export async function taskDiff(taskId: string, round: number, root: string, baseCommit: string): Promise<TaskDiff> {
  const changes = await worktreeChanges(root, baseCommit);
  const agentCommit = changes.files.length > 0 ? await freezeAgentVersion(root, changes.tree, baseCommit, taskId, round) : undefined;
  return {
    taskId, round, baseCommit, unified: changes.unified, patchId: changes.patchId, files: changes.files, ...(agentCommit ? { agentCommit } : {}),
  };
}

/** Starts from a copy of the worktree's own index, whose stat cache spares `add -A` rehashing every
 * file; `add -A` then makes it match the files whatever it held. Without one, from the base tree. */
async function startIndex(root: string, baseCommit: string, indexFile: string): Promise<void> {
  const own = resolve(root, (await gitText(['rev-parse', '--git-path', 'index'], { cwd: root })).trim());
  const copied = await copyIndex(own, indexFile).then(() => true, () => false);
  if (!copied) await gitText(['read-tree', baseCommit], { cwd: root, env: { GIT_INDEX_FILE: indexFile } });
}

/**
 * The copy keeps the index's modification time. Git trusts a cached stat only for files changed
 * before the index was written; a copy stamped "now" would make a same-size edit from the second of
 * checkout look unchanged, and the diff would miss it.
 */
async function copyIndex(from: string, to: string): Promise<void> {
  const { atime, mtime } = await stat(from);
  await copyFile(from, to);
  await utimes(to, atime, mtime);
}

/** `git patch-id --stable` of a diff; the empty string for an empty diff. */
export async function patchIdOf(unified: string, cwd: string): Promise<string> {
  if (unified.trim() === '') return '';
  const out = await gitText(['patch-id', '--stable'], { cwd, input: unified });
  return out.split(' ')[0]?.trim() ?? '';
}

const STATUS: Record<string, DiffFile['status']> = { A: 'added', M: 'modified', D: 'deleted', R: 'renamed', T: 'modified', C: 'added' };

/** Pairs `--name-status -z` entries with the diff's sections; git writes both in the same order. */
function describeFiles(nameStatus: string, sections: FileSection[]): DiffFile[] {
  const fields = nameStatus.split('\0');
  const files: DiffFile[] = [];
  for (let i = 0; i < fields.length && fields[i] !== '';) {
    const code = fields[i++]!.charAt(0);
    const status = STATUS[code] ?? 'modified';
    const twoPaths = code === 'R' || code === 'C';
    const oldPath = twoPaths ? fields[i++] : undefined;
    const path = fields[i++]!;
    const section = sections[files.length];
    files.push({
      path,
      ...(code === 'R' ? { oldPath } : {}),
      status,
      additions: section?.additions ?? 0,
      deletions: section?.deletions ?? 0,
      binary: section?.binary ?? false,
      hunks: (section?.hunks ?? []).map(({ lines: _lines, ...hunk }) => hunk),
    });
  }
  return files;
}

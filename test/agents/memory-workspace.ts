// An in-memory task workspace and its tools, for the loop's unit tests. The diff is whole-file (one
// hunk per changed file) and its patch-id a hash of it: enough for the loop, which only reads them.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { TaskWorkspace, ToolExecutor } from '../../daemon/src/agents/ports.js';
import type { DiffFile, TaskDiff, ToolCallRecord, WorkerAction } from '../../daemon/src/protocol/types.js';
import type { AgentHarness, HarnessFactory } from './harness.js';
import { MemoryRecorder } from './memory-recorder.js';

export class MemoryWorkspace implements TaskWorkspace {
  readonly root = '/memory/worktree';
  readonly branch: string;
  readonly baseCommit = '0'.repeat(40);
  readonly files: Map<string, string>;

  constructor(readonly taskId: string, readonly base: ReadonlyMap<string, string>) {
    this.branch = `tandem/${taskId}`;
    this.files = new Map(base);
  }

  async diff(round: number): Promise<TaskDiff> {
    const paths = [...new Set([...this.base.keys(), ...this.files.keys()])].sort();
    const files: DiffFile[] = [];
    let unified = '';
    for (const p of paths) {
      const before = this.base.get(p);
      const after = this.files.get(p);
      if (before === after) continue;
      const oldLines = before === undefined ? [] : before.split('\n');
      const newLines = after === undefined ? [] : after.split('\n');
      const header = `@@ -1,${oldLines.length} +1,${newLines.length} @@`;
      unified += `diff --git a/${p} b/${p}\n--- a/${p}\n+++ b/${p}\n${header}\n`;
      unified += oldLines.map((l) => `-${l}\n`).join('') + newLines.map((l) => `+${l}\n`).join('');
      files.push({
        path: p,
        status: before === undefined ? 'added' : after === undefined ? 'deleted' : 'modified',
        additions: newLines.length,
        deletions: oldLines.length,
        binary: false,
        hunks: [{ index: 0, header, oldStart: 1, oldLines: oldLines.length, newStart: 1, newLines: newLines.length }],
      });
    }
    const patchId = unified ? createHash('sha1').update(unified).digest('hex') : '';
    return { taskId: this.taskId, round, baseCommit: this.baseCommit, unified, patchId, files };
  }
}

/** The worker tools over a MemoryWorkspace; refusals are results, as the real executor's are. */
export class MemoryTools implements ToolExecutor {
  readonly allowedCommands = new Set(['echo ok']);

  async execute(workspace: TaskWorkspace, action: WorkerAction): Promise<ToolCallRecord> {
    if (!(workspace instanceof MemoryWorkspace)) throw new Error('MemoryTools works on a MemoryWorkspace only');
    const done = (ok: boolean, result: string): ToolCallRecord => ({ tool: action.tool, args: action.args, ok, result, durationMs: 0 });
    const files = workspace.files;
    if (action.tool === 'run') {
      return this.allowedCommands.has(action.args.command) ? done(true, 'ok') : done(false, `"${action.args.command}" is not an allowed command`);
    }
    if (action.tool === 'done') return done(true, 'done');
    if (action.tool === 'search') {
      const hits = [...files].flatMap(([p, text]) => text.split('\n').map((line, i) => ({ p, line, i })))
        .filter(({ line }) => (action.args.regex ? safeRegex(action.args.query)?.test(line) : line.includes(action.args.query)));
      return done(true, hits.map(({ p, line, i }) => `${p}:${i + 1}: ${line}`).join('\n') || 'no matches');
    }
    const target = inside(action.args.path, action.tool === 'list_files');
    if (target === null) return done(false, `${action.args.path} is outside the worktree`);
    switch (action.tool) {
      case 'list_files':
        return done(true, [...files.keys()].filter((p) => target === '' || p.startsWith(`${target}/`)).join('\n'));
      case 'read_file': {
        const text = files.get(target);
        if (text === undefined) return done(false, `${target} does not exist`);
        const lines = text.split('\n');
        return done(true, lines.slice((action.args.start_line ?? 1) - 1, action.args.end_line ?? lines.length).join('\n'));
      }
      case 'write_file':
        files.set(target, action.args.content);
        return done(true, `wrote ${target}`);
      case 'edit_file': {
        const text = files.get(target);
        if (text === undefined) return done(false, `${target} does not exist`);
        const count = text.split(action.args.search).length - 1;
        if (count !== 1) return done(false, count === 0 ? 'the search text was not found' : `the search text matches ${count} times`);
        files.set(target, text.replace(action.args.search, () => action.args.replace));
        return done(true, `edited ${target}`);
      }
    }
  }
}

/** A relative path that stays inside the worktree and out of .git, or null. */
function inside(requested: string, rootAllowed: boolean): string | null {
  if (path.posix.isAbsolute(requested)) return null;
  const normal = path.posix.normalize(requested || '.').replace(/\/$/, '');
  if (normal === '.') return rootAllowed ? '' : null;
  if (normal === '..' || normal.startsWith('../') || normal === '.git' || normal.startsWith('.git/')) return null;
  return normal;
}

function safeRegex(source: string): RegExp | null {
  try {
    return new RegExp(source);
  } catch {
    return null;
  }
}

export const memoryHarness: HarnessFactory = async (taskId, files) => {
  const recorder = new MemoryRecorder();
  const workspace = new MemoryWorkspace(taskId, new Map(Object.entries(files)));
  const user = new Map(Object.entries(files));
  const harness: AgentHarness = {
    recorder,
    probe: recorder,
    workspace,
    tools: new MemoryTools(),
    repoPath: '/memory/repo',
    userFile: async (p) => user.get(p) ?? null,
    cleanup: async () => {},
  };
  return harness;
};

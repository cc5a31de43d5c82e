// Realistic recorded tasks for export tests and the export benchmark: an orchestrator delegating
// one subtask per round, a worker listing, reading, writing and testing a TypeScript file, the
// human's review of each version's diff, and later merged/reverted signals.
import type { ReviewVerdict } from '../../daemon/src/protocol/types.js';
import type { TrajectoryStoreBuilder } from './trajectory-store-builder.js';

export const ORCHESTRATOR_SYSTEM = [
  'You are the orchestrator of a coding agent. Break the task into subtasks and delegate each to the worker.',
  'Read the diff the worker returns; accept it, send it back with feedback, or finish when the task is done.',
  'Answer with one JSON action: {"tool": "delegate" | "accept" | "revise" | "finish" | "give_up", "args": {...}}.',
].join('\n');

export const WORKER_SYSTEM = [
  'You are the worker of a coding agent, inside a git worktree of the repository.',
  'Use the tools to read and change files and to run the tests. Call done with a summary when the subtask is complete.',
  'Answer with one JSON action: {"tool": "list_files" | "read_file" | "search" | "write_file" | "edit_file" | "run" | "done", "args": {...}}.',
].join('\n');

export interface VersionSpec {
  /** The new file content this version writes. */
  content: string;
  /** The human's verdict on this version's diff; null: not reviewed. */
  verdict: ReviewVerdict | null;
  reason?: string;
  /** The user's version of the file, for approve_with_edits. */
  edited?: string;
}

export interface TaskScenario {
  id: string;
  repoId: number;
  createdAt?: number;
  file?: string;
  /** One subtask per round; a rejected round's reason starts the next. */
  rounds: { versions: VersionSpec[] }[];
  signal?: 'merged' | 'reverted';
  /** Text planted in the file the worker reads (e.g. a secret). */
  planted?: string;
  /** The task's text, when not the default clamp() task. */
  prompt?: string;
}

export interface RecordedTask {
  /** Worker subtask ids, one per round. */
  subtasks: string[];
  /** Diff ids, in the order the versions were reviewed. */
  diffs: number[];
}

export function originalSource(name: string): string {
  return [
    `// ${name}: numeric helpers shared by the chart components.`,
    `export function clamp(value: number, min: number, max: number): number {`,
    `  return Math.min(Math.max(value, min), max);`,
    `}`,
    ``,
    `export function lerp(a: number, b: number, t: number): number {`,
    `  return a + (b - a) * t;`,
    `}`,
    ``,
  ].join('\n');
}

export function recordTask(b: TrajectoryStoreBuilder, spec: TaskScenario): RecordedTask {
  const file = spec.file ?? 'src/math/range.ts';
  const prompt = spec.prompt ?? `Make clamp() in ${file} reject min > max with a RangeError, and add a test.`;
  b.task({ id: spec.id, repoId: spec.repoId, prompt, createdAt: spec.createdAt });
  const orchestrator = b.conversation({
    taskId: spec.id, subtaskId: null, round: 0, role: 'orchestrator',
    turns: [{ role: 'system', content: ORCHESTRATOR_SYSTEM }, { role: 'user', content: prompt }],
  });
  const recorded: RecordedTask = { subtasks: [], diffs: [] };
  let current = originalSource(file) + (spec.planted ? `\n${spec.planted}\n` : '');
  let lastApproved: number | null = null;

  spec.rounds.forEach((roundSpec, round) => {
    const instruction = `In ${file}, make clamp throw a RangeError when min > max.` + (round ? ` The last attempt was rejected; follow the reviewer's note.` : '');
    const delegate = { tool: 'delegate' as const, args: { instruction, files: [file] } };
    const subtaskId = b.subtask({ id: `${spec.id}-s${round}`, taskId: spec.id, round, seq: 0, instruction, files: [file] });
    recorded.subtasks.push(subtaskId);
    orchestrator.round = round;
    orchestrator.step(delegate);

    const worker = b.conversation({
      taskId: spec.id, subtaskId, round, role: 'worker',
      turns: [{ role: 'system', content: WORKER_SYSTEM }, { role: 'user', content: instruction }],
    });
    roundSpec.versions.forEach((version, v) => {
      if (v === 0) {
        worker.step({ tool: 'list_files', args: { path: 'src/math' } }, `${file.split('/').pop()}\nformat.ts\nindex.ts`);
      }
      worker.step({ tool: 'read_file', args: { path: file } }, current);
      worker.step({ tool: 'write_file', args: { path: file, content: version.content } }, `Wrote ${Buffer.byteLength(version.content)} bytes to ${file}.`);
      worker.step({ tool: 'run', args: { command: 'npm test -- --grep clamp' } }, `exit 0\n  clamp\n    ✓ clamps into range\n    ✓ throws on min > max\n  2 passing (14ms)`);
      const done = worker.step({ tool: 'done', args: { summary: `clamp now throws a RangeError when min > max (version ${v + 1}).` } });
      current = version.content;
      const unified = `diff --git a/${file} b/${file}\n--- a/${file}\n+++ b/${file}\n@@ -1,4 +1,5 @@\n+${version.content.split('\n')[0]}\n`;
      const diffId = b.diff({ taskId: spec.id, subtaskId, stepId: done, round, unified, paths: [file] });
      recorded.diffs.push(diffId);
      if (version.verdict) {
        b.review({ taskId: spec.id, diffId, path: file, verdict: version.verdict, reason: version.reason, edited: version.edited });
      }
      if (version.verdict === 'reject' && v + 1 < roundSpec.versions.length) {
        worker.user(`The reviewer rejected this version: ${version.reason ?? 'no reason given'}. Revise it.`);
      }
      if (version.verdict && version.verdict !== 'reject') lastApproved = diffId;
    });

    orchestrator.toolResult(`Worker finished subtask ${subtaskId}.\n${file} | 6 ++++--`);
    orchestrator.step({ tool: 'accept', args: {} }, 'Accepted.');
    const last = roundSpec.versions.at(-1)!;
    if (last.verdict === 'reject') {
      orchestrator.user(`The human rejected the change: ${last.reason ?? 'no reason'}. Start again.`);
    } else {
      orchestrator.step({ tool: 'finish', args: { summary: `clamp in ${file} validates its bounds.` } });
    }
  });

  if (spec.signal && lastApproved !== null) {
    const appliedId = b.applied({ taskId: spec.id, diffId: lastApproved, commit: 'd'.repeat(40) });
    b.signal({ taskId: spec.id, appliedId, kind: 'merged', commit: 'e'.repeat(40) });
    if (spec.signal === 'reverted') b.signal({ taskId: spec.id, appliedId, kind: 'reverted', commit: 'f'.repeat(40) });
  }
  return recorded;
}

export function fixedSource(file: string, variant = 'RangeError'): string {
  return originalSource(file).replace(
    '  return Math.min(Math.max(value, min), max);',
    `  if (min > max) throw new ${variant}(\`clamp: min \${min} is above max \${max}\`);\n  return Math.min(Math.max(value, min), max);`,
  );
}

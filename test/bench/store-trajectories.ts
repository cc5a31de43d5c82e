// Generates realistic trajectories through the real recorder: long repeated system prompts, a
// worker conversation that grows turn by turn (as the agent loop resends it), file reads, edits,
// diffs and reviews. Shared by the store benchmark and the export benchmark.
import type { ChatTurn, StepInput } from '../../daemon/src/agents/ports.js';
import { diffMessage, toolResultMessage } from '../../daemon/src/agents/transcript.js';
import type { FileReview, WorkerAction } from '../../daemon/src/protocol/types.js';
import { openStore } from '../../daemon/src/store/open-store.js';
import { ReviewRecorder } from '../../daemon/src/store/review-recorder.js';
import { StoreTrajectoryRecorder } from '../../daemon/src/store/trajectory-recorder.js';

// What the loop shows of a result, with a tokenizer stand-in of four characters a token (what the bench writes is ASCII).
const SHOWN = { maxTokens: 2000, countTokens: (text: string) => Math.ceil(text.length / 4) };

export interface GeneratedStore {
  steps: number;
  tasks: number;
  /** Seconds spent inside recorder calls, generation of the data excluded. */
  recorderSeconds: number;
  /** CPU seconds (user + system) of this process inside recorder calls: what a loaded machine cannot inflate. */
  recorderCpuSeconds: number;
}

const SUBTASKS_PER_TASK = 3;
const WORKER_STEPS_PER_SUBTASK = 8;
const MAX_TURNS = 24; // the loop trims old turns to fit the context

/** Writes at least `steps` steps into a new store at dbPath. */
export function generateBenchStore(dbPath: string, steps: number, onProgress?: (done: number) => void): GeneratedStore {
  const store = openStore(dbPath);
  const recorder = new StoreTrajectoryRecorder(store);
  const reviews = new ReviewRecorder(store);
  const text = new TextSource(42);
  const prompts = {
    orchestrator: [1, 2].map((v) => `You are the orchestrator (prompt v${v}). Break the task into subtasks.\n` + text.prose(60)),
    worker: [1, 2].map((v) => `You are the worker (prompt v${v}). One tool call per turn, as JSON.\n` + text.prose(90)),
  };
  let recorded = 0;
  let tasks = 0;
  let busy = 0;
  let cpu = 0;
  // A task's recorder calls are queued while its data is generated, then run back to back under
  // one pair of clock readings: reading the CPU clock per call would cost as much as the call.
  let queued: (() => void)[] = [];
  const timed = (fn: () => void): void => { queued.push(fn); };
  const runQueued = (): void => {
    const start = process.hrtime.bigint();
    const startCpu = process.cpuUsage();
    for (const fn of queued) fn();
    busy += Number(process.hrtime.bigint() - start);
    const used = process.cpuUsage(startCpu);
    cpu += used.user + used.system;
    queued = [];
  };

  while (recorded < steps) {
    const taskId = `task-${tasks}`;
    const v = tasks % 2;
    const base = text.sha();
    const workerAdapter = { role: 'worker' as const, version: 1 + (tasks % 3), sha256: `w${1 + (tasks % 3)}`.padEnd(64, '0') };
    const orchestratorAdapter = { role: 'orchestrator' as const, version: 1, sha256: 'o1'.padEnd(64, '0') };
    const prompt = `Task ${tasks}: ${text.prose(2)}`;
    timed(() => {
      recorder.startTask({ taskId, prompt, repoPath: `/home/dev/repos/project-${tasks % 7}`, baseCommit: base, branch: `tandem/${taskId}`, promptVersion: `v${v + 1}`, baseModelSha: 'b'.repeat(64) });
      recorder.startRound(taskId, 0, null);
    });
    const orchestration: ChatTurn[] = [{ role: 'system', content: prompts.orchestrator[v]! }, { role: 'user', content: prompt }];
    let lastStep = 0;
    for (let s = 0; s < SUBTASKS_PER_TASK; s++) {
      const subtaskId = `${taskId}-s${s}`;
      const files = [text.path(), text.path()];
      const instruction = `${text.prose(1)} Touch ${files.join(' and ')}.`;
      const delegate = JSON.stringify({ tool: 'delegate', args: { instruction, files } });
      const base = { taskId, subtaskId: null, round: 0, promptVersion: `v${v + 1}`, stopReason: 'stop', state: 'done' as const, tokensReused: 900 };
      const orchStep: StepInput = { ...base, role: 'orchestrator', adapter: orchestratorAdapter, messages: [...orchestration], output: delegate,
        action: JSON.parse(delegate), tokensIn: 1200, tokensOut: 80, latencyMs: 900 };
      timed(() => {
        recorder.recordStep(orchStep);
        recorder.startSubtask({ id: subtaskId, taskId, round: 0, seq: s, instruction, files, outcome: null, stopReason: null });
      });
      recorded++;
      orchestration.push({ role: 'assistant', content: delegate });
      const conversation: ChatTurn[] = [{ role: 'system', content: prompts.worker[v]! }, { role: 'user', content: instruction }];
      for (let w = 0; w < WORKER_STEPS_PER_SUBTASK; w++) {
        const action = text.workerAction(files, w === WORKER_STEPS_PER_SUBTASK - 1);
        const output = JSON.stringify(action);
        const result = text.toolResult(action);
        const step: StepInput = { ...base, subtaskId, role: 'worker', adapter: workerAdapter, messages: [...conversation], output, action,
          tokensIn: 400 + conversation.length * 300, tokensOut: output.length / 3, latencyMs: 1500 };
        timed(() => {
          lastStep = recorder.recordStep(step);
          recorder.recordToolCall(lastStep, { tool: action.tool, args: action.args, ok: true, result, durationMs: 3 });
        });
        recorded++;
        // The tool turn as the loop writes it (transcript.ts): a header line, then the result.
        conversation.push({ role: 'assistant', content: output }, { role: 'tool', content: toolResultMessage({ tool: action.tool, args: action.args, ok: true, result, durationMs: 3 }, SHOWN) });
        if (conversation.length > MAX_TURNS) conversation.splice(2, 2);
      }
      const diff = text.diff(taskId, files);
      const accepted = JSON.stringify({ tool: 'accept', args: {} });
      const review: StepInput = { ...base, role: 'orchestrator', adapter: orchestratorAdapter, messages: [...orchestration, { role: 'tool', content: diffMessage(diff, SHOWN) }],
        output: accepted, action: { tool: 'accept', args: {} }, tokensIn: 2000, tokensOut: 10, latencyMs: 600 };
      timed(() => {
        recorder.recordStep(review);
        recorder.recordDiff(diff, { subtaskId, stepId: lastStep });
        recorder.finishSubtask(subtaskId, 'accepted', 'accepted');
      });
      recorded++;
      orchestration.push({ role: 'tool', content: diffMessage(diff, SHOWN) }, { role: 'assistant', content: accepted });
    }
    const finalDiff = text.diff(taskId, ['src/index.ts']);
    const verdict: FileReview = tasks % 4 === 0 ? { path: 'src/index.ts', verdict: 'reject', reason: text.pick(REJECTIONS) }
      : tasks % 4 === 1 ? { path: 'src/index.ts', verdict: 'approve_with_edits', editedContent: text.code(30) } : { path: 'src/index.ts', verdict: 'approve' };
    timed(() => {
      const diffId = recorder.recordDiff(finalDiff, { subtaskId: null, stepId: lastStep });
      reviews.recordReview(taskId, diffId, verdict);
      if (verdict.verdict !== 'reject') reviews.recordApplied({ taskId, diffId, patchId: finalDiff.patchId, unifiedDiff: finalDiff.unified, commitSha: null });
      recorder.setTaskState(taskId, verdict.verdict === 'reject' ? 'rejected' : 'applied', verdict.verdict === 'reject' ? 'finished' : 'accepted');
    });
    runQueued();
    tasks++;
    onProgress?.(recorded);
  }
  store.close();
  return { steps: recorded, tasks, recorderSeconds: busy / 1e9, recorderCpuSeconds: cpu / 1e6 };
}

const REJECTIONS = ['breaks the tests', 'touches files outside the task', 'wrong approach, use the existing helper', 'too large a change', 'style: keep names consistent'];
const WORDS = 'the a task file change value list map index parse render fetch user config cache state update merge token stream error result item node tree path line buffer queue event handler option'.split(' ');

/** Deterministic pseudo-random text: prose, code, paths, actions, tool results, diffs. */
class TextSource {
  private readonly lines: string[] = [];
  constructor(private seed: number) {
    for (let i = 0; i < 4000; i++) this.lines.push(this.codeLine());
  }
  next(): number {
    this.seed = (this.seed * 1664525 + 1013904223) >>> 0;
    return this.seed / 2 ** 32;
  }
  int(n: number): number { return Math.floor(this.next() * n); }
  pick<T>(items: readonly T[]): T { return items[this.int(items.length)]!; }
  word(): string { return this.pick(WORDS); }
  prose(sentences: number): string {
    return Array.from({ length: sentences }, () => Array.from({ length: 8 + this.int(12) }, () => this.word()).join(' ') + '.').join(' ');
  }
  sha(): string { return Array.from({ length: 5 }, () => this.int(2 ** 32).toString(16).padStart(8, '0')).join(''); }
  path(): string { return `src/${this.word()}/${this.word()}-${this.word()}.ts`; }
  codeLine(): string {
    const indent = '  '.repeat(this.int(4));
    return `${indent}const ${this.word()}${this.int(99)} = ${this.word()}.${this.word()}(${this.word()}, ${this.int(1000)}); // ${this.word()} ${this.word()}`;
  }
  code(lines: number): string {
    const start = this.int(this.lines.length - lines);
    return this.lines.slice(start, start + lines).join('\n') + '\n';
  }
  workerAction(files: string[], last: boolean): WorkerAction {
    if (last) return { tool: 'done', args: { summary: this.prose(1) } };
    const file = this.pick(files);
    switch (this.int(5)) {
      case 0: return { tool: 'search', args: { query: this.word(), regex: false } };
      case 1: return { tool: 'edit_file', args: { path: file, search: this.code(3), replace: this.code(4) } };
      case 2: return { tool: 'run', args: { command: 'npm test' } };
      default: return { tool: 'read_file', args: { path: file } };
    }
  }
  toolResult(action: WorkerAction): string {
    switch (action.tool) {
      case 'read_file': return this.code(20 + this.int(40));
      case 'search': return Array.from({ length: 3 + this.int(10) }, () => `${this.path()}:${this.int(300)}: ${this.code(1)}`).join('');
      case 'run': return `> npm test\n${this.code(5)}${this.int(3) === 0 ? 'FAIL 1 test\n' : 'ok 42 tests\n'}`;
      case 'edit_file': return `Edited ${action.args.path}: 1 replacement.`;
      default: return 'ok';
    }
  }
  diff(taskId: string, files: string[]) {
    const unified = files.map((f) => `diff --git a/${f} b/${f}\n--- a/${f}\n+++ b/${f}\n@@ -10,6 +10,8 @@\n${this.code(3).replace(/^/gm, ' ')}${this.code(4).replace(/^/gm, '-')}${this.code(6).replace(/^/gm, '+')}`).join('');
    return {
      taskId, round: 0, baseCommit: this.sha(), unified, patchId: this.sha(),
      files: files.map((path) => ({ path, status: 'modified' as const, additions: 6, deletions: 4, binary: false, hunks: [] })),
    };
  }
}

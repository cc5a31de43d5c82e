// Runs many tasks with a model that emits grammar-valid garbage and checks, for each, what must hold
// whatever the model does: it ends within its budget, records a stop reason, closes every subtask,
// writes nothing outside its worktree, and leaves the user's tree alone. The unit test runs it with
// RandomActionModel on the in-memory harness; the integration test with the fixture model, SQLite and git.
import assert from 'node:assert/strict';
import path from 'node:path';
import { agentConfig, type AgentConfig } from '../../daemon/src/agents/agent-config.js';
import type { ModelPort } from '../../daemon/src/agents/ports.js';
import { runTask } from '../../daemon/src/agents/task-runner.js';
import type { StopReason, TaskState } from '../../daemon/src/protocol/types.js';
import type { AgentHarness, HarnessFactory } from './harness.js';
import { SAMPLE_FILES } from './scenario-kit.js';

export interface FuzzOptions {
  tasks: number;
  factory: HarnessFactory;
  makeModel: (index: number) => ModelPort;
  /** The same for every task, or per task (to vary the sampling seed, say). */
  config: Partial<AgentConfig> | ((index: number) => Partial<AgentConfig>);
  files?: Record<string, string>;
  /** Checks a task's surroundings after its harness was cleaned up (the filesystem, say); throws to fail. */
  checkTask?: (index: number, harness: AgentHarness) => Promise<void>;
  /** Called after each task, for a progress bar. */
  onTask?: (index: number) => void;
}

export interface FuzzReport {
  states: Partial<Record<TaskState, number>>;
  stopReasons: Partial<Record<StopReason, number>>;
  subtaskStops: Partial<Record<StopReason, number>>;
  steps: number;
  okToolCalls: number;
  maxTaskSteps: number;
  /** Calls per tool the model produced, and how many of them succeeded. */
  tools: Record<string, { calls: number; ok: number }>;
}

const ENDED: TaskState[] = ['review', 'finished', 'failed', 'cancelled'];
const WRITING_TOOLS = new Set(['write_file', 'edit_file']);

export async function fuzzTasks(options: FuzzOptions): Promise<FuzzReport> {
  const files = options.files ?? SAMPLE_FILES;
  const report: FuzzReport = { states: {}, stopReasons: {}, subtaskStops: {}, steps: 0, okToolCalls: 0, maxTaskSteps: 0, tools: {} };
  for (let index = 0; index < options.tasks; index++) {
    const taskId = `fuzz-${index}`;
    const overrides = typeof options.config === 'function' ? options.config(index) : options.config;
    const config = agentConfig(overrides);
    const harness = await options.factory(taskId, files);
    const model = options.makeModel(index);
    try {
      const result = await runTask(
        { model, recorder: harness.recorder, workspace: harness.workspace, tools: harness.tools, config: overrides },
        { taskId, prompt: 'Improve the sample repository.', repoPath: harness.repoPath },
      );
      const where = `task ${index} (${taskId}, ${result.stopReason}: ${result.detail})`;
      // Within budget: steps exactly; tokens up to one step's prompt past the line (checked before each step).
      assert.ok(result.usage.steps <= config.task.steps, `${where} took ${result.usage.steps} steps`);
      const oneStep = Math.max(model.contextSize('orchestrator'), model.contextSize('worker'));
      assert.ok(result.usage.tokens <= config.task.tokens + oneStep, `${where} used ${result.usage.tokens} tokens`);
      assert.ok(ENDED.includes(result.state), `${where} ended in state ${result.state}`);

      const recorded = harness.probe.task(taskId);
      assert.deepEqual(recorded && [recorded.state, recorded.stopReason], [result.state, result.stopReason], `${where} recorded its stop`);
      const steps = harness.probe.steps(taskId);
      assert.equal(steps.length, result.usage.steps, `${where} recorded every step`);
      for (const subtask of harness.probe.subtasks(taskId)) {
        assert.ok(subtask.outcome !== null && subtask.stopReason !== null, `${where} left subtask ${subtask.id} open`);
        const workerSteps = steps.filter((s) => s.subtaskId === subtask.id && s.role === 'worker').length;
        assert.ok(workerSteps <= config.subtask.steps, `${where}: subtask ${subtask.id} took ${workerSteps} worker steps`);
        count(report.subtaskStops, subtask.stopReason!);
      }
      const calls = steps.flatMap((s) => s.toolCalls);
      for (const call of calls.filter((c) => c.ok && WRITING_TOOLS.has(c.tool))) {
        const target = (call.args as { path: string }).path;
        assert.ok(staysInside(harness.workspace.root, target), `${where} wrote outside the worktree: ${target}`);
      }
      // The user's tree: every file it had is as it was, and no file the agents wrote appeared in it.
      for (const [file, content] of Object.entries(files)) assert.equal(await harness.userFile(file), content, `${where} touched ${file}`);
      for (const call of calls.filter((c) => WRITING_TOOLS.has(c.tool))) {
        const target = String((call.args as { path: unknown }).path);
        if (!(target in files) && staysInside(harness.workspace.root, target)) {
          assert.equal(await harness.userFile(target), null, `${where} wrote ${target} into the user's tree`);
        }
      }

      count(report.states, result.state);
      count(report.stopReasons, result.stopReason);
      report.steps += steps.length;
      report.okToolCalls += calls.filter((c) => c.ok).length;
      report.maxTaskSteps = Math.max(report.maxTaskSteps, steps.length);
      for (const call of calls) {
        const tally = (report.tools[call.tool] ??= { calls: 0, ok: 0 });
        tally.calls++;
        if (call.ok) tally.ok++;
      }
    } finally {
      await harness.cleanup();
    }
    await options.checkTask?.(index, harness);
    options.onTask?.(index);
  }
  return report;
}

function staysInside(root: string, relative: string): boolean {
  if (path.isAbsolute(relative)) return false;
  const resolved = path.resolve(root, relative);
  const inside = path.relative(root, resolved);
  return inside !== '' && !inside.startsWith('..') && !path.isAbsolute(inside) && inside.split(path.sep)[0] !== '.git';
}

function count<K extends string>(tally: Partial<Record<K, number>>, key: K): void {
  tally[key] = (tally[key] ?? 0) + 1;
}

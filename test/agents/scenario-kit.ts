// Runs one scripted task on a harness and keeps what a scenario asserts on: the result, the model's
// requests, the events, and the record.
import type { AgentConfig } from '../../daemon/src/agents/agent-config.js';
import { runRound, runTask, type RoundResult, type TaskRunDeps } from '../../daemon/src/agents/task-runner.js';
import type { ToolExecutor } from '../../daemon/src/agents/ports.js';
import type { TaskEvent } from '../../daemon/src/protocol/events.js';
import type { Role } from '../../daemon/src/protocol/types.js';
import type { AgentHarness, HarnessFactory } from './harness.js';
import { ScriptedModel, type RoleContextSizes, type RoleScripts } from './scripted-model.js';

export const SAMPLE_FILES: Record<string, string> = {
  'README.md': '# Sample\nA sample repository for agent scenarios.\n',
  'src/greet.ts': 'export function greet(name: string): string {\n  return `hi ${name}`;\n}\n',
};

export interface ScenarioRun {
  harness: AgentHarness;
  model: ScriptedModel;
  deps: TaskRunDeps;
  events: TaskEvent[];
  result: RoundResult;
  taskId: string;
  /** Runs the next round of the same task, as a rejection with a reason does. */
  nextRound(feedback: string): Promise<RoundResult>;
}

export interface ScenarioSetup {
  factory: HarnessFactory;
  taskId: string;
  scripts: RoleScripts;
  files?: Record<string, string>;
  config?: Partial<AgentConfig>;
  contextSizes?: RoleContextSizes;
  /** Called with each event and the run's abort controller, to cancel at a chosen point. */
  onEvent?: (event: TaskEvent, controller: AbortController) => void;
  /** Wraps the harness's tools, to inject a failing tool. */
  wrapTools?: (tools: ToolExecutor) => ToolExecutor;
}

export async function runScenario(setup: ScenarioSetup): Promise<ScenarioRun> {
  const harness = await setup.factory(setup.taskId, setup.files ?? SAMPLE_FILES);
  const model = new ScriptedModel(setup.scripts, setup.contextSizes);
  const events: TaskEvent[] = [];
  const controller = new AbortController();
  const deps: TaskRunDeps = {
    model,
    recorder: harness.recorder,
    workspace: harness.workspace,
    tools: setup.wrapTools ? setup.wrapTools(harness.tools) : harness.tools,
    config: setup.config,
    signal: controller.signal,
    onEvent: (event) => {
      events.push(event);
      setup.onEvent?.(event, controller);
    },
  };
  const spec = { taskId: setup.taskId, prompt: 'Add a friendly greeting to the sample repository.', repoPath: harness.repoPath };
  const result = await runTask(deps, spec);
  let round = 1;
  return {
    harness, model, deps, events, result, taskId: setup.taskId,
    nextRound: (feedback) => runRound(deps, spec, { round: ++round, feedback }),
  };
}

/** The last message of a request: the tool result or feedback the model answered. */
export function lastMessage(model: ScriptedModel, role: Role, call: number): string {
  const request = model.requestsOf(role)[call];
  if (!request) throw new Error(`the ${role} made no call ${call}`);
  return request.messages[request.messages.length - 1]!.content;
}

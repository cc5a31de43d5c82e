// The agent loop's KV-cache reuse on tasks of a realistic length. On random weights the orchestrator's
// conversation ends after two or three steps (it gives up), so the share of each prompt found in the
// cache is mostly set by how long the one new tool result is. Here the actions are scripted
// (runtime/action-script.ts: the model evaluates them as forced tokens, the rest of the loop is real):
// the orchestrator delegates SUBTASKS (16) subtasks in turn, the worker writes one document each, the
// orchestrator accepts each and finishes, so the conversation grows with every worker report and
// round diff until compaction has to rewrite it.
import { join } from 'node:path';
import type { AgentConfig } from '../../daemon/src/agents/agent-config.js';
import { runTask } from '../../daemon/src/agents/task-runner.js';
import { ActionScript, parseRules } from '../../daemon/src/runtime/action-script.js';
import type { FixturePreset } from '../../daemon/src/runtime/fixture-presets.js';
import { loadFixtureRuntime } from '../support/fixture-runtime.js';
import type { RealVocab } from '../support/real-vocab.js';
import { taskOnSite, type HarnessSite } from '../integration/support/git-store-harness.js';
import { orchestratorCompactions, orchestratorPrefixKept, orchestratorPrefixReuse, TimedModel } from './agent-timing.js';

export const SCRIPTED_TASKS = Number(process.env.TANDEM_BENCH_SCRIPTED_TASKS ?? 3);
const SUBTASKS = Number(process.env.TANDEM_BENCH_SCRIPTED_SUBTASKS ?? 16);

const part = (k: number) => `docs/part-${k}.md`;
// About 250 characters of prose per document: a worker's write is a few dozen to a few hundred tokens.
const document = (k: number) => `# Part ${k}\n\n${'The greeter says hello to each name it is given, and this part explains how step '.repeat(2)}${k} fits in.\n`;

function script(): ActionScript {
  const rules: object[] = [{ role: 'orchestrator', when: `-s${SUBTASKS} accepted\\.`, action: { tool: 'finish', args: { summary: `Wrote ${SUBTASKS} parts.` } } }];
  for (let k = 1; k < SUBTASKS; k++) {
    rules.push({ role: 'orchestrator', when: `-s${k} accepted\\.`, action: { tool: 'delegate', args: { instruction: `Write ${part(k + 1)}`, files: [part(k + 1)] } } });
  }
  rules.push(
    { role: 'orchestrator', when: '^delegate → ok', action: { tool: 'accept', args: {} } },
    { role: 'orchestrator', action: { tool: 'delegate', args: { instruction: `Write ${part(1)}`, files: [part(1)] } } },
    { role: 'worker', when: '^write_file → ok', action: { tool: 'done', args: { summary: 'Wrote the part.' } } },
  );
  for (let k = 1; k <= SUBTASKS; k++) rules.push({ role: 'worker', when: `Write ${part(k).replace('.', '\\.')}`, action: { tool: 'write_file', args: { path: part(k), content: document(k) } } });
  return new ActionScript('agent bench', parseRules({ rules }, 'agent bench'));
}

const CONFIG: Partial<AgentConfig> = {
  task: { steps: 6 * SUBTASKS, tokens: 400_000 },
  subtask: { steps: 3, tokens: 20_000 },
  maxTokens: { orchestrator: 200, worker: 600 },
  temperature: 0,
};

export async function scriptedReuse(dir: string, site: HarnessSite, fixture: { preset: FixturePreset; seed: number; vocab: 'toy' | RealVocab }, tick: () => void) {
  const runtime = await loadFixtureRuntime(join(dir, 'scripted-model'), { ...fixture, contextSize: 4096, actionScript: script() });
  try {
    const model = new TimedModel(runtime);
    let finished = 0;
    for (let index = 0; index < SCRIPTED_TASKS; index++) {
      const taskId = `scripted-${index}`;
      const harness = await taskOnSite(site, taskId);
      model.task = taskId;
      const result = await runTask({ model, recorder: site.recorder, workspace: harness.workspace, tools: harness.tools, config: CONFIG },
        { taskId, prompt: `Write the guide in ${SUBTASKS} parts, one file each.`, repoPath: site.repo });
      if (result.stopReason === 'finished') finished++;
      await harness.cleanup();
      tick();
    }
    const orchestratorSteps = model.calls.filter((c) => c.role === 'orchestrator').length;
    return {
      scripted_tasks: SCRIPTED_TASKS,
      scripted_finished: finished,
      scripted_orchestrator_steps: orchestratorSteps,
      scripted_compactions: orchestratorCompactions(model.calls),
      prefix_reuse: round(orchestratorPrefixReuse(model.calls)),
      prefix_kept: round(orchestratorPrefixKept(model.calls)),
    };
  } finally {
    await runtime.dispose();
  }
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

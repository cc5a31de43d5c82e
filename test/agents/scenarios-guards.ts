// Scenarios of the guards: doom loops, no progress, step and token budgets, and context compaction.
import assert from 'node:assert/strict';
import { PROMPTS } from '../../daemon/src/agents/prompts.js';
import { historyTokens } from '../../daemon/src/agents/context-compaction.js';
import type { HarnessFactory } from './harness.js';
import { lastMessage, runScenario } from './scenario-kit.js';
import { act } from './scripted-model.js';

export async function repeatedCallIsDoomLoop(factory: HarnessFactory): Promise<void> {
  const run = await runScenario({
    factory,
    taskId: 'doom-1',
    config: { repeatLimit: 3 },
    scripts: {
      orchestrator: [act('delegate', { instruction: 'Write a.txt, then check it.', files: [] }), act('finish', { summary: 'partial' })],
      worker: (call) => (call === 0 ? act('write_file', { path: 'a.txt', content: 'a\n' }) : act('read_file', { path: 'a.txt', start_line: null, end_line: null })),
    },
  });
  const { harness, model, taskId } = run;
  try {
    const [subtask] = harness.probe.subtasks(taskId);
    assert.equal(subtask!.outcome, 'stopped');
    assert.equal(subtask!.stopReason, 'doom_loop');
    assert.match(lastMessage(model, 'orchestrator', 1), /stopped \(doom_loop\)/);
    assert.match(lastMessage(model, 'orchestrator', 1), /read_file/);
    const reads = harness.probe.steps(taskId).flatMap((s) => s.toolCalls).filter((c) => c.tool === 'read_file');
    assert.deepEqual(reads.map((c) => c.ok), [true, true, false], 'the third identical call is not run');
    assert.match(reads[2]!.result, /Not run/);
    assert.equal(model.requestsOf('worker').length, 4);
    // The orchestrator may still finish: the stopped worker's change is reviewed.
    assert.equal(run.result.state, 'review');
    assert.match(run.result.diff!.unified, /a\.txt/);
  } finally {
    await harness.cleanup();
  }
}

export async function unchangedDiffIsNoProgress(factory: HarnessFactory): Promise<void> {
  const run = await runScenario({
    factory,
    taskId: 'stale-1',
    config: { noProgressLimit: 4 },
    scripts: {
      orchestrator: [act('delegate', { instruction: 'Improve the README.', files: [] }), act('give_up', { reason: 'the worker makes no progress' })],
      worker: [
        act('list_files', { path: '' }),
        act('read_file', { path: 'README.md', start_line: 1, end_line: 2 }),
        act('search', { query: 'Sample', regex: false }),
        act('search', { query: 'greet', regex: false }),
      ],
    },
  });
  const { harness, model, taskId, result } = run;
  try {
    const [subtask] = harness.probe.subtasks(taskId);
    assert.equal(subtask!.stopReason, 'no_progress');
    assert.equal(model.requestsOf('worker').length, 4);
    assert.match(lastMessage(model, 'orchestrator', 1), /stopped \(no_progress\)/);
    assert.equal(result.state, 'failed');
    assert.equal(result.stopReason, 'gave_up');
    assert.deepEqual(harness.probe.task(taskId), { state: 'failed', stopReason: 'gave_up', promptVersion: `${PROMPTS.orchestrator.version}+${PROMPTS.worker.version}` });
  } finally {
    await harness.cleanup();
  }
}

export async function writingTheSameContentIsNoProgress(factory: HarnessFactory): Promise<void> {
  const run = await runScenario({
    factory,
    taskId: 'stale-2',
    config: { noProgressLimit: 3, repeatLimit: 10 },
    scripts: {
      orchestrator: [act('delegate', { instruction: 'Write x.txt.', files: [] }), act('finish', { summary: 'x' })],
      worker: () => act('write_file', { path: 'x.txt', content: 'x\n' }),
    },
  });
  try {
    // The first write changes the diff; the next three leave its patch-id as it was.
    assert.equal(run.model.requestsOf('worker').length, 4);
    assert.equal(run.harness.probe.subtasks(run.taskId)[0]!.stopReason, 'no_progress');
  } finally {
    await run.harness.cleanup();
  }
}

export async function taskStepBudgetStopsRound(factory: HarnessFactory): Promise<void> {
  const run = await runScenario({
    factory,
    taskId: 'budget-steps',
    config: { task: { steps: 5, tokens: 1_000_000 } },
    scripts: { orchestrator: () => act('accept'), worker: [] },
  });
  try {
    assert.equal(run.result.state, 'failed');
    assert.equal(run.result.stopReason, 'step_budget');
    assert.equal(run.result.usage.steps, 5);
    assert.equal(run.harness.probe.steps(run.taskId).length, 5);
    assert.match(lastMessage(run.model, 'orchestrator', 4), /nothing to accept/);
    assert.equal(run.harness.probe.task(run.taskId)!.stopReason, 'step_budget');
  } finally {
    await run.harness.cleanup();
  }
}

export async function subtaskStepBudgetStopsWorker(factory: HarnessFactory): Promise<void> {
  const run = await runScenario({
    factory,
    taskId: 'budget-subtask',
    config: { subtask: { steps: 3, tokens: 1_000_000 } },
    scripts: {
      orchestrator: [act('delegate', { instruction: 'Write many files.', files: [] }), act('finish', { summary: 'some files' })],
      worker: (call) => act('write_file', { path: `f${call}.txt`, content: `${call}\n` }),
    },
  });
  try {
    assert.equal(run.model.requestsOf('worker').length, 3);
    const [subtask] = run.harness.probe.subtasks(run.taskId);
    assert.equal(subtask!.stopReason, 'step_budget');
    assert.match(lastMessage(run.model, 'orchestrator', 1), /stopped \(step_budget\): the subtask used its 3 steps/);
    assert.equal(run.result.state, 'review', 'the orchestrator goes on after a subtask stop');
    assert.equal(run.result.diff!.files.length, 3);
  } finally {
    await run.harness.cleanup();
  }
}

export async function tokenBudgetStopsRound(factory: HarnessFactory): Promise<void> {
  const run = await runScenario({
    factory,
    taskId: 'budget-tokens',
    config: { task: { steps: 100, tokens: 1000 } },
    scripts: { orchestrator: () => ({ act: { tool: 'accept', args: {} }, tokensIn: 300, tokensOut: 10 }), worker: [] },
  });
  try {
    assert.equal(run.result.stopReason, 'token_budget');
    assert.equal(run.result.usage.steps, 4);
    assert.equal(run.result.usage.tokens, 1240);
    assert.equal(run.harness.probe.task(run.taskId)!.stopReason, 'token_budget');
    // Each action may use at most what is left of the budget.
    assert.equal(run.model.requestsOf('orchestrator')[3]!.maxTokens, 70);
  } finally {
    await run.harness.cleanup();
  }
}

export async function compactionKeepsRequestsInContext(factory: HarnessFactory): Promise<void> {
  const files: Record<string, string> = {};
  for (let i = 0; i < 10; i++) files[`docs/f${i}.txt`] = Array.from({ length: 60 }, (_, n) => `file ${i} line ${n} lorem ipsum`).join('\n');
  const workerContext = 2000;
  const run = await runScenario({
    factory,
    taskId: 'compact-1',
    files,
    contextSizes: { orchestrator: 32_768, worker: workerContext },
    config: { noProgressLimit: 50, maxTokens: { orchestrator: 256, worker: 200 } },
    scripts: {
      orchestrator: [act('delegate', { instruction: 'Read every doc file.', files: [] }), act('accept'), act('finish', { summary: 'read' })],
      worker: (call) => (call < 10 ? act('read_file', { path: `docs/f${call}.txt`, start_line: null, end_line: null }) : act('done', { summary: 'read all' })),
    },
  });
  const { model, harness } = run;
  try {
    assert.equal(run.result.stopReason, 'finished');
    const requests = model.requestsOf('worker');
    assert.equal(requests.length, 11);
    for (const request of requests) {
      const used = historyTokens(request.messages, (t) => model.countTokens(t));
      assert.ok(used + request.maxTokens <= workerContext, `a worker request used ${used} + ${request.maxTokens} of ${workerContext} tokens`);
      assert.equal(request.messages[0]!.role, 'system');
      assert.match(request.messages[1]!.content, /Read every doc file\./);
    }
    const last = requests[10]!.messages;
    assert.ok(last.some((m) => m.content.includes('compacted') || m.content.includes('removed to save context')), 'old outputs were compacted');
    assert.ok(last.some((m) => m.content.includes('file 9 line 59')), 'the latest tool output is kept whole');
    // What was sent is what is recorded.
    const recorded = harness.probe.steps(run.taskId).filter((s) => s.role === 'worker');
    assert.deepEqual(recorded[10]!.messages, last);
  } finally {
    await harness.cleanup();
  }
}

export async function orchestratorRepeatingItselfIsDoomLoop(factory: HarnessFactory): Promise<void> {
  const same = act('delegate', { instruction: 'Write a.txt.', files: [] });
  const run = await runScenario({
    factory,
    taskId: 'doom-orchestrator',
    config: { repeatLimit: 3 },
    scripts: {
      orchestrator: [same, act('accept'), same, act('accept'), same, act('finish', { summary: 'never reached' })],
      worker: (call) => (call % 2 === 0 ? act('write_file', { path: 'a.txt', content: `${call}\n` }) : act('done', { summary: 'wrote a.txt' })),
    },
  });
  try {
    assert.equal(run.result.stopReason, 'doom_loop');
    assert.equal(run.result.state, 'review', 'the changes it left go to the human, with the stop reason');
    assert.match(run.result.detail, /delegate call was made 3 times/);
    assert.equal(run.model.requestsOf('worker').length, 4, 'the third delegation is not run');
    assert.deepEqual(run.harness.probe.subtasks(run.taskId).map((s) => s.outcome), ['accepted', 'accepted']);
    assert.equal(run.harness.probe.task(run.taskId)!.stopReason, 'doom_loop');
  } finally {
    await run.harness.cleanup();
  }
}

// Scenarios of a round stopped from outside or by a failure: cancellation mid-generation, a model
// error, and a tool executor that throws.
import assert from 'node:assert/strict';
import { PROMPTS } from '../../daemon/src/agents/prompts.js';
import type { HarnessFactory } from './harness.js';
import { lastMessage, runScenario } from './scenario-kit.js';
import { act } from './scripted-model.js';

/** `throws`: the runtime rejects on abort instead of returning a result with stopReason 'aborted'. */
export async function cancelWhileWorkerGenerates(factory: HarnessFactory, throws: boolean): Promise<void> {
  let workerSteps = 0;
  const run = await runScenario({
    factory,
    taskId: throws ? 'cancel-throws' : 'cancel-1',
    scripts: {
      orchestrator: [act('delegate', { instruction: 'Write a.txt and b.txt.', files: [] })],
      worker: [act('write_file', { path: 'a.txt', content: 'a\n' }), { hang: true, throws }],
    },
    onEvent: (event, controller) => {
      if (event.type === 'step.started' && event.role === 'worker' && ++workerSteps === 2) {
        setImmediate(() => controller.abort()); // while the second worker step generates
      }
    },
  });
  const { harness, model, taskId, result, events } = run;
  try {
    assert.equal(result.state, 'cancelled');
    assert.equal(result.stopReason, 'cancelled');
    assert.deepEqual(harness.probe.task(taskId), { state: 'cancelled', stopReason: 'cancelled', promptVersion: `${PROMPTS.orchestrator.version}+${PROMPTS.worker.version}` });
    const steps = harness.probe.steps(taskId);
    const last = steps[steps.length - 1]!;
    assert.equal(last.role, 'worker');
    assert.equal(last.state, 'cancelled', 'the interrupted step is recorded as cancelled');
    assert.equal(last.action, null);
    assert.deepEqual(harness.probe.subtasks(taskId).map((s) => [s.outcome, s.stopReason]), [['stopped', 'cancelled']]);
    assert.equal(model.requests.length, 3, 'nothing is generated after the cancel');
    // The work done before the cancel stays in the worktree.
    assert.match(result.diff!.unified, /a\.txt/);
    const final = events[events.length - 1]!;
    assert.ok(final.type === 'task.state' && final.state === 'cancelled');
  } finally {
    await harness.cleanup();
  }
}

export async function modelFailureEndsRoundWithError(factory: HarnessFactory): Promise<void> {
  const run = await runScenario({
    factory,
    taskId: 'model-fails',
    scripts: {
      orchestrator: [act('delegate', { instruction: 'Write a.txt.', files: [] })],
      worker: [{ fail: 'the GPU fell off the bus' }],
    },
  });
  const { harness, taskId, result } = run;
  try {
    assert.equal(result.state, 'failed');
    assert.equal(result.stopReason, 'error');
    assert.match(result.detail, /the GPU fell off the bus/);
    const steps = harness.probe.steps(taskId);
    assert.equal(steps[steps.length - 1]!.state, 'error');
    assert.deepEqual(harness.probe.subtasks(taskId).map((s) => s.stopReason), ['error']);
    assert.equal(harness.probe.task(taskId)!.stopReason, 'error');
  } finally {
    await harness.cleanup();
  }
}

export async function throwingToolIsAResult(factory: HarnessFactory): Promise<void> {
  const run = await runScenario({
    factory,
    taskId: 'tool-throws',
    wrapTools: (tools) => ({
      execute: async (workspace, action, signal) => {
        if (action.tool === 'run') throw new Error('spawn EACCES');
        return tools.execute(workspace, action, signal);
      },
    }),
    scripts: {
      orchestrator: [act('delegate', { instruction: 'Run the tests, then write a.txt.', files: [] }), act('accept'), act('finish', { summary: 'ok' })],
      worker: [act('run', { command: 'npm test' }), act('write_file', { path: 'a.txt', content: 'a\n' }), act('done', { summary: 'wrote a.txt' })],
    },
  });
  try {
    assert.match(lastMessage(run.model, 'worker', 1), /run → error\nThe tool failed: spawn EACCES/);
    assert.equal(run.result.state, 'review');
  } finally {
    await run.harness.cleanup();
  }
}

// The loop fuzzed with grammar-valid random actions on the in-memory harness: whatever the model
// emits, every task ends within budget with its stop recorded. (The integration test does the same
// with the fixture model, the store and git.)
import assert from 'node:assert/strict';
import { fuzzTasks } from '../../agents/fuzz.js';
import { memoryHarness } from '../../agents/memory-workspace.js';
import { RandomActionModel } from '../../agents/random-action-model.js';

describe('agents: random grammar-valid actions', () => {
  it('200 tasks each end within budget, recorded, inside the worktree', async () => {
    const report = await fuzzTasks({
      tasks: 200,
      factory: memoryHarness,
      makeModel: (i) => new RandomActionModel(i + 1, { orchestrator: 1500, worker: 1200 }, 0.15),
      config: {
        task: { steps: 40, tokens: 60_000 },
        subtask: { steps: 12, tokens: 20_000 },
        maxTokens: { orchestrator: 256, worker: 400 },
        noProgressLimit: 6,
      },
    });
    // The fuzz reached the paths it is meant to press on, not only the first refusal.
    assert.ok(report.okToolCalls > 200, `only ${report.okToolCalls} tool calls succeeded`);
    assert.ok(Object.keys(report.stopReasons).length >= 3, JSON.stringify(report.stopReasons));
    assert.ok((report.subtaskStops.step_budget ?? 0) + (report.subtaskStops.no_progress ?? 0) > 0, JSON.stringify(report.subtaskStops));
    assert.ok(report.maxTaskSteps <= 40);
  });
});

// The agent scenarios on the in-memory recorder and workspace, with a scripted model.
import { agentScenarios } from '../../agents/scenarios.js';
import { memoryHarness } from '../../agents/memory-workspace.js';

describe('agents: task rounds with a scripted model', () => {
  for (const [name, scenario] of Object.entries(agentScenarios)) {
    it(name, () => scenario(memoryHarness));
  }
});

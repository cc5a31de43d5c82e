// Every agent scenario on the real parts: SQLite through the store's recorder, a git repository and
// the task's own worktree, the real worker tools. The model is the scripted test double of ModelPort.
import { agentScenarios } from '../agents/scenarios.js';
import { gitStoreHarness } from './support/git-store-harness.js';

describe('agents on the real store and workspace, scripted model', () => {
  for (const [name, scenario] of Object.entries(agentScenarios)) {
    it(name, () => scenario(gitStoreHarness));
  }
});

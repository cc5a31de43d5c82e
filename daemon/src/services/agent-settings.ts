// Budgets for the agents by model: a random-weight fixture gets small ones, since its actions mean
// nothing and a task should end in seconds; a real model gets the agents' defaults.
import type { AgentConfig } from '../agents/agent-config.js';
import { FIELD_LIMITS } from '../agents/action-schemas.js';
import type { ModelInfo } from '../protocol/types.js';

export const FIXTURE_AGENT_CONFIG: Partial<AgentConfig> = {
  task: { steps: 16, tokens: 40_000 },
  subtask: { steps: 6, tokens: 15_000 },
  maxTokens: { orchestrator: 192, worker: 224 },
  // Short fields, so a random model closes its strings (and so its JSON) within its few tokens.
  fieldLimits: { ...FIELD_LIMITS, path: 12, instruction: 48, feedback: 32, summary: 32, reason: 24, content: 64, searchText: 24, command: 16, query: 12, files: 2 },
  temperature: 2,
};

export function agentConfigFor(model: ModelInfo): Partial<AgentConfig> {
  return model.fixture ? FIXTURE_AGENT_CONFIG : {};
}

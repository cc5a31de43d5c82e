// Budgets for the agents by model: a random-weight fixture gets small ones, since its actions mean
// nothing and a task should end in seconds; a real model gets the agents' defaults.
import type { AgentConfig } from '../agents/agent-config.js';
import { FIELD_LIMITS } from '../agents/action-schemas.js';
import type { ModelInfo } from '../protocol/types.js';

export const FIXTURE_AGENT_CONFIG: Partial<AgentConfig> = {
  task: { steps: 24, tokens: 60_000 },
  subtask: { steps: 8, tokens: 20_000 },
  maxTokens: { orchestrator: 96, worker: 160 },
  // Short fields, so a random model closes its strings (and so its JSON) within its few tokens.
  fieldLimits: { ...FIELD_LIMITS, path: 12, instruction: 48, feedback: 32, summary: 32, reason: 24, content: 64, searchText: 24, command: 16, query: 12, files: 2 },
  temperature: 2,
};

export function agentConfigFor(model: ModelInfo): Partial<AgentConfig> {
  return model.fixture ? FIXTURE_AGENT_CONFIG : {};
}

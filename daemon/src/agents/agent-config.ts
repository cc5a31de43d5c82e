// The knobs of one task round: budgets, guard thresholds, generation limits and prompts.
import type { Role } from '../protocol/types.js';
import { FIELD_LIMITS, type FieldLimits } from './action-schemas.js';
import { PROMPTS, type RolePrompt } from './prompts.js';

export interface Budget {
  /** Model calls (orchestrator and worker alike). */
  steps: number;
  /** Tokens the model evaluated: prompt tokens not reused from the KV cache, plus generated tokens. */
  tokens: number;
}

export interface AgentConfig {
  /** Per round of a task: a rejection starts a new round, and the human chose to spend it. */
  task: Budget;
  /** Per subtask, across its revisions: worker steps only. */
  subtask: Budget;
  /** The same call this many times within the last 2×N calls of a role is a doom loop. */
  repeatLimit: number;
  /** This many worker steps in a row without the diff's patch-id changing stops the worker. */
  noProgressLimit: number;
  /** Most tokens one action may take, per role; the critic's has a default (criticMaxTokens) when absent. */
  maxTokens: Record<Exclude<Role, 'critic'>, number> & { critic?: number };
  /** Fraction of a role's context at which old tool outputs are compacted, and the fraction to bring it down to. */
  compactAt: number;
  compactTo: number;
  /** Tokens (the model's own) of a tool result, file or diff shown to a role in one message; the middle of longer ones is cut. */
  shownTokens: number;
  prompts: Record<Role, RolePrompt>;
  /** Longest value of each action field the grammar allows. */
  fieldLimits: FieldLimits;
  /** A critic judges each finished worker result before the orchestrator sees it (one more model call per result). */
  critic: boolean;
  /** Attempts the worker makes at each subtask from the same worktree state; the best one is kept. */
  attempts: number;
  temperature?: number;
  /** With a seed, step n of a round samples with seed + n, so a run can be replayed. */
  seed?: number;
}

export const DEFAULT_CONFIG: AgentConfig = {
  task: { steps: 120, tokens: 400_000 },
  subtask: { steps: 40, tokens: 150_000 },
  repeatLimit: 3,
  noProgressLimit: 12,
  maxTokens: { orchestrator: 768, worker: 2048 },
  // Of the room the pinned turns leave: several steps fit between compactions, each reusing the KV cache.
  compactAt: 0.9,
  compactTo: 0.4,
  shownTokens: 1500,
  prompts: PROMPTS,
  fieldLimits: FIELD_LIMITS,
  critic: false,
  attempts: 1,
};

/** The critic writes a short verdict: a rationale and a few scores. */
export const CRITIC_MAX_TOKENS = 384;

export function maxTokensOf(config: AgentConfig, role: Role): number {
  return role === 'critic' ? config.maxTokens.critic ?? CRITIC_MAX_TOKENS : config.maxTokens[role];
}

export function agentConfig(overrides: Partial<AgentConfig> = {}): AgentConfig {
  return { ...DEFAULT_CONFIG, ...overrides };
}

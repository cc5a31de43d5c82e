// The agents' user-facing switches a daemon runs tasks with: the critic (off by default: it costs one
// more model call per worker result and a third KV cache) and the attempts per subtask. They come from
// TANDEM_CRITIC / TANDEM_ATTEMPTS at start, then from VS Code's settings as they change; one task can
// override both when it starts (`tandem run --critic --attempts 3`).
export interface AgentOptions {
  critic: boolean;
  attempts: number;
}

/** More attempts than this cost more than any ranking of them is worth on one machine. */
export const MAX_ATTEMPTS = 8;

export const DEFAULT_AGENT_OPTIONS: AgentOptions = { critic: false, attempts: 1 };

/** A sentence naming the problem, or null when the value is a valid attempts count. */
export function attemptsProblem(value: unknown): string | null {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_ATTEMPTS
    ? null
    : `"attempts" must be a whole number from 1 to ${MAX_ATTEMPTS}`;
}

export class AgentOptionsHolder {
  private options: AgentOptions;

  constructor(env: NodeJS.ProcessEnv, say: (line: string) => void) {
    this.options = { ...DEFAULT_AGENT_OPTIONS };
    const critic = env.TANDEM_CRITIC;
    if (critic !== undefined && critic !== '') {
      if (['1', 'true', 'on'].includes(critic.toLowerCase())) this.options.critic = true;
      else if (!['0', 'false', 'off'].includes(critic.toLowerCase())) say(`TANDEM_CRITIC=${critic} is neither 1 nor 0; the critic stays off`);
    }
    const attempts = env.TANDEM_ATTEMPTS;
    if (attempts !== undefined && attempts !== '') {
      if (attemptsProblem(Number(attempts)) === null) this.options.attempts = Number(attempts);
      else say(`TANDEM_ATTEMPTS=${attempts}: ${attemptsProblem(Number(attempts))}; using 1`);
    }
  }

  get current(): AgentOptions {
    return { ...this.options };
  }

  apply(update: Partial<AgentOptions>): AgentOptions {
    this.options = { ...this.options, ...update };
    return this.current;
  }
}

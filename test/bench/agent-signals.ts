// The cost of the richer learning signals, as ratios to the single-attempt loop without a critic: the
// same tasks and seeds on the same fixture runtime, git worktrees and store, run with the critic on
// (critic_cost_*) and with the critic on and three attempts per subtask (attempts3_cost_*). Seconds
// and evaluated tokens are totals over the tasks; runs alternate so the machine's other load falls
// on each alike. critic_calls and attempt_groups say how often the new work actually ran (a random
// fixture worker reaches `done`, which the critic judges, only now and then).
import type { AgentConfig } from '../../daemon/src/agents/agent-config.js';
import { FIELD_LIMITS } from '../../daemon/src/agents/action-schemas.js';
import { runTask } from '../../daemon/src/agents/task-runner.js';
import type { ModelRuntime } from '../../daemon/src/runtime/model-runtime.js';
import type { HarnessSite } from '../integration/support/git-store-harness.js';
import { taskOnSite } from '../integration/support/git-store-harness.js';

const TASKS = Number(process.env.TANDEM_BENCH_SIGNAL_TASKS ?? 6);

type Variant = 'single' | 'critic' | 'attempts3';
const VARIANTS: Record<Variant, Partial<AgentConfig>> = { single: {}, critic: { critic: true }, attempts3: { critic: true, attempts: 3 } };

export async function signalCosts(runtime: ModelRuntime, site: HarnessSite, configFor: (task: number) => Partial<AgentConfig>, tick: () => void) {
  const totals: Record<Variant, { seconds: number; tokens: number }> = {
    single: { seconds: 0, tokens: 0 }, critic: { seconds: 0, tokens: 0 }, attempts3: { seconds: 0, tokens: 0 },
  };
  const order: Variant[] = ['single', 'critic', 'attempts3'];
  for (let index = 0; index < TASKS; index++) {
    // Rotate which variant goes first.
    for (const variant of [...order.slice(index % 3), ...order.slice(0, index % 3)]) {
      const taskId = `signals-${variant}-${index}`;
      const harness = await taskOnSite(site, taskId);
      const config: Partial<AgentConfig> = {
        ...configFor(index), ...VARIANTS[variant],
        maxTokens: { ...configFor(index).maxTokens!, critic: 512 },
        fieldLimits: { ...FIELD_LIMITS, summary: 48 },
      };
      const started = performance.now();
      const result = await runTask({ model: runtime, recorder: site.recorder, workspace: harness.workspace, tools: harness.tools, config },
        { taskId, prompt: 'Improve the greeting and document it.', repoPath: site.repo });
      totals[variant].seconds += (performance.now() - started) / 1000;
      totals[variant].tokens += result.usage.tokens;
      await harness.cleanup();
      tick();
    }
  }
  const db = site.store.db;
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    signal_tasks: TASKS,
    critic_calls: db.prepare("SELECT COUNT(*) FROM steps WHERE role = 'critic' AND task_id LIKE 'signals-critic-%'").pluck().get() as number,
    attempt_groups: db.prepare("SELECT COUNT(DISTINCT group_id) FROM attempts WHERE group_id LIKE 'signals-attempts3-%'").pluck().get() as number,
    critic_cost_seconds: round(totals.critic.seconds / totals.single.seconds),
    critic_cost_tokens: round(totals.critic.tokens / totals.single.tokens),
    attempts3_cost_seconds: round(totals.attempts3.seconds / totals.single.seconds),
    attempts3_cost_tokens: round(totals.attempts3.tokens / totals.single.tokens),
  };
}

export const SIGNAL_RUNS = 3 * TASKS;

// A test double for ModelPort only: each role replays a scripted sequence of actions. It stands in for
// the model when a test is about the loop's logic, never about generation.
import type { Role } from '../../daemon/src/protocol/types.js';
import type { GenerateRequest, GenerateResult, ModelPort } from '../../daemon/src/agents/ports.js';

export type Scripted =
  | { act: unknown; tokensIn?: number; tokensOut?: number }
  /** The generation hit max_tokens before the JSON closed. */
  | { cutOff: true }
  /** The generation runs until the request's signal aborts; `throws` rejects instead of returning 'aborted'. */
  | { hang: true; throws?: boolean }
  /** The runtime fails (a native error, say). */
  | { fail: string };

export type Script = Scripted[] | ((call: number, request: GenerateRequest) => Scripted);

/** A script per role; a scenario without a critic need not name one. */
export type RoleScripts = Record<'orchestrator' | 'worker', Script> & { critic?: Script };
/** Context sizes per role; the critic's is the orchestrator's when absent. */
export type RoleContextSizes = Record<'orchestrator' | 'worker', number> & { critic?: number };

export const act = (tool: string, args: Record<string, unknown> = {}): Scripted => ({ act: { tool, args } });

export class ScriptedModel implements ModelPort {
  readonly baseModelSha = 'scripted-model';
  readonly requests: GenerateRequest[] = [];
  private readonly calls: Record<Role, number> = { orchestrator: 0, worker: 0, critic: 0 };

  constructor(
    private readonly scripts: RoleScripts,
    private readonly contextSizes: RoleContextSizes = { orchestrator: 32_768, worker: 32_768 },
  ) {}

  contextSize(role: Role): number {
    return this.contextSizes[role] ?? this.contextSizes.orchestrator;
  }

  countTokens(text: string): number {
    return Math.ceil(text.length / 4);
  }

  /** The messages each call of a role was given. */
  requestsOf(role: Role): GenerateRequest[] {
    return this.requests.filter((r) => r.role === role);
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    this.requests.push({ ...request, messages: request.messages.map((m) => ({ ...m })) });
    const call = this.calls[request.role]++;
    const script = this.scripts[request.role];
    if (!script) throw new Error(`the scenario has no ${request.role} script`);
    const entry = typeof script === 'function' ? script(call, request) : script[call];
    if (!entry) throw new Error(`the ${request.role} script has no entry ${call}`);
    const tokensIn = request.messages.reduce((n, m) => n + this.countTokens(m.content), 0);
    const base = { adapter: { role: request.role, version: null, sha256: null }, tokensIn, tokensReused: 0, latencyMs: 1 };
    if ('fail' in entry) throw new Error(entry.fail);
    if ('hang' in entry) {
      await untilAborted(request.signal);
      if (entry.throws) throw new DOMException('The generation was aborted', 'AbortError');
      return { ...base, text: '{"tool":', action: null, tokensOut: 2, stopReason: 'aborted' };
    }
    if ('cutOff' in entry) {
      const text = '{"tool": "read_file", "args": {"path": "';
      return { ...base, text, action: null, tokensOut: request.maxTokens, stopReason: 'max_tokens' };
    }
    const text = JSON.stringify(entry.act);
    request.onToken?.(text);
    return {
      ...base,
      text,
      action: entry.act,
      tokensIn: entry.tokensIn ?? tokensIn,
      tokensOut: Math.min(request.maxTokens, entry.tokensOut ?? this.countTokens(text)),
      stopReason: 'stop',
    };
  }
}

function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return Promise.reject(new Error('a hanging generation needs an AbortSignal'));
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

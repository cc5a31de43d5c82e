// A ModelPort that emits random actions valid under the role's grammar: a fuzzer for the agent loop
// without a model file. It walks the same schema the real runtime compiles, so what it emits is what a
// random-weight model constrained by that grammar can emit (plus, now and then, a cut-off generation).
import type { GenerateRequest, GenerateResult, ModelPort } from '../../daemon/src/agents/ports.js';
import type { Role } from '../../daemon/src/protocol/types.js';
import type { RoleContextSizes } from './scripted-model.js';

type Schema = Record<string, unknown>;

const ENDING_TOOLS = new Set(['finish', 'give_up', 'done']);

/** Strings a confused model is likely to produce, hostile ones included. */
const PIECES = [
  'README.md', 'src/greet.ts', 'src/', 'docs/new.md', '../outside.txt', '/etc/passwd', '.git/config', 'a/../../b',
  'hello', 'Hello', ' ', '\n', 'echo ok', 'npm test', 'greet', '(', '[a-z]+', '"', '\\', 'ü', '🙂', '',
];

export class RandomActionModel implements ModelPort {
  readonly baseModelSha = 'random-action-model';
  private state: number;

  /**
   * `endings`: the chance that a picked finish, give_up or done stands (else another action is
   * picked), so runs last long enough to reach the budgets and guards.
   */
  constructor(
    seed: number,
    private readonly contextSizes: RoleContextSizes = { orchestrator: 4096, worker: 4096 },
    private readonly endings = 1,
  ) {
    this.state = seed >>> 0 || 1;
  }

  contextSize(role: Role): number {
    return this.contextSizes[role] ?? this.contextSizes.orchestrator;
  }

  countTokens(text: string): number {
    return Math.ceil(text.length / 4);
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const tokensIn = request.messages.reduce((n, m) => n + this.countTokens(m.content) + 4, 0);
    const base = { adapter: { role: request.role, version: null, sha256: null }, tokensIn, tokensReused: 0, latencyMs: 0 };
    if (request.signal?.aborted) return { ...base, text: '', action: null, tokensOut: 0, stopReason: 'aborted' };
    const action = this.value(request.schema);
    const text = JSON.stringify(action);
    const tokensOut = this.countTokens(text);
    if (tokensOut > request.maxTokens || this.random() < 0.05) {
      return { ...base, text: text.slice(0, request.maxTokens * 4), action: null, tokensOut: request.maxTokens, stopReason: 'max_tokens' };
    }
    request.onToken?.(text);
    return { ...base, text, action, tokensOut, stopReason: 'stop' };
  }

  private value(schema: Schema): unknown {
    if (Array.isArray(schema.oneOf)) return this.value(this.alternative(schema.oneOf as Schema[]));
    if ('const' in schema) return schema.const;
    if (Array.isArray(schema.enum)) return this.pick(schema.enum);
    const type = Array.isArray(schema.type) ? this.pick(schema.type as string[]) : schema.type;
    switch (type) {
      case 'object': {
        const properties = (schema.properties ?? {}) as Record<string, Schema>;
        return Object.fromEntries(Object.entries(properties).map(([key, sub]) => [key, this.value(sub)]));
      }
      case 'array': {
        const count = this.int(0, Math.min(Number(schema.maxItems ?? 4), 4));
        return Array.from({ length: count }, () => this.value((schema.items ?? { type: 'string' }) as Schema));
      }
      case 'string':
        return this.text(Number(schema.maxLength ?? 64));
      case 'integer':
        return this.int(-2, 40);
      case 'number':
        return this.random() * 100;
      case 'boolean':
        return this.random() < 0.5;
      case 'null':
        return null;
      default:
        throw new Error(`the random model does not know schema ${JSON.stringify(schema)}`);
    }
  }

  private alternative(options: Schema[]): Schema {
    for (;;) {
      const picked = this.pick(options);
      const tool = (picked.properties as Record<string, Schema> | undefined)?.tool?.const;
      if (!ENDING_TOOLS.has(String(tool)) || this.random() < this.endings) return picked;
    }
  }

  private text(maxLength: number): string {
    let out = '';
    const pieces = this.int(0, 3);
    for (let i = 0; i < pieces; i++) out += this.random() < 0.7 ? this.pick(PIECES) : this.random().toString(36).slice(2, 2 + this.int(1, 8));
    // Now and then a long string, to press on the context and the compaction.
    if (this.random() < 0.1) out += 'x'.repeat(this.int(0, maxLength));
    return out.slice(0, maxLength);
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  private int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  /** mulberry32: small, seeded, good enough to make runs reproducible by task index. */
  private random(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

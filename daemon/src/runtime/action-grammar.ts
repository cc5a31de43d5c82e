// JSON-schema grammars for agent actions. Every string field gets a length bound when the schema
// has none: a random or confused model can otherwise fill a string until the token budget runs out
// (byte tokens also form invalid UTF-8), and the JSON never closes.
import type { GbnfJsonSchema, Llama, LlamaGrammar } from 'node-llama-cpp';
import type { ActionSchema } from '../agents/ports.js';
import { advance, initialState, isComplete } from './action-automaton.js';
import { compileActionPattern, type PatternNode } from './action-pattern.js';
import type { ScriptedAction } from './action-script.js';

export const DEFAULT_MAX_STRING_LENGTH = 4096;

/**
 * How actions are held to their schema. 'pattern' (the default): the runtime's own decoder
 * (constrained-decoding.ts) where the schema's shape allows, node-llama-cpp's grammar elsewhere;
 * 'grammar': node-llama-cpp's grammar always (what the bench compares against).
 */
export type ActionDecoding = 'pattern' | 'grammar';

/** What one generation is constrained by. */
export type ActionConstraint = { kind: 'pattern'; pattern: PatternNode } | { kind: 'grammar'; grammar: LlamaGrammar };

export class ActionGrammars {
  private readonly cache = new Map<string, Promise<LlamaGrammar>>();
  private readonly patterns = new Map<string, PatternNode | null>();

  constructor(private readonly llama: Llama, private readonly maxStringLength = DEFAULT_MAX_STRING_LENGTH, private readonly decoding: ActionDecoding = 'pattern') {}

  /** The runtime's own pattern when the schema compiles to one (and decoding allows it), else the grammar. */
  async constraintFor(schema: ActionSchema): Promise<ActionConstraint> {
    if (this.decoding === 'pattern') {
      const pattern = this.patternFor(schema);
      if (pattern) return { kind: 'pattern', pattern };
    }
    return { kind: 'grammar', grammar: await this.forSchema(schema) };
  }

  /**
   * A scripted action as the whole pattern: the decoder evaluates its text as forced tokens. It must be
   * text the schema's own pattern allows, so a scripted action parses and fits exactly as a generated one.
   */
  scriptedConstraint(schema: ActionSchema, action: ScriptedAction): ActionConstraint {
    const pattern = this.patternFor(schema);
    if (!pattern) throw new Error('A scripted action needs a schema the action decoder handles; this one is generated under the full grammar');
    const text = JSON.stringify(action);
    const state = advance(initialState(pattern), text);
    if (!state || !isComplete(state)) {
      throw new Error(`The scripted action ${text} does not fit the action schema: check the tool's name, its fields, their order and their lengths`);
    }
    return { kind: 'pattern', pattern: { kind: 'literal', text } };
  }

  /** Whether a step under this schema may call `tool` (the agents' actions name their tool first). */
  offers(schema: ActionSchema, tool: string): boolean {
    const pattern = this.patternFor(schema);
    return pattern !== null && advance(initialState(pattern), `{"tool":${JSON.stringify(tool)}`) !== null;
  }

  private patternFor(schema: ActionSchema): PatternNode | null {
    const key = JSON.stringify(schema);
    if (!this.patterns.has(key)) this.patterns.set(key, compileActionPattern(schema, this.maxStringLength));
    return this.patterns.get(key) ?? null;
  }

  /** The grammar for a schema; made once per distinct schema, since building one costs milliseconds. */
  forSchema(schema: ActionSchema): Promise<LlamaGrammar> {
    const key = JSON.stringify(schema);
    let grammar = this.cache.get(key);
    if (!grammar) {
      // The schema arrives as plain JSON at run time, so its literal type cannot be inferred here.
      const bounded = boundStrings(schema, this.maxStringLength) as GbnfJsonSchema;
      grammar = this.llama.createGrammarForJsonSchema(bounded as never);
      grammar.catch(() => this.cache.delete(key)); // a bad schema is not cached; the caller sees its error
      this.cache.set(key, grammar);
    }
    return grammar;
  }
}

/** A copy of the schema where every `type: "string"` without `maxLength` gets one. */
export function boundStrings(schema: unknown, maxLength: number): unknown {
  if (Array.isArray(schema)) return schema.map((item) => boundStrings(item, maxLength));
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    // `enum` and `const` hold values, not schemas.
    copy[key] = key === 'enum' || key === 'const' ? value : boundStrings(value, maxLength);
  }
  if (copy.type === 'string' && copy.maxLength === undefined && copy.enum === undefined && copy.const === undefined) copy.maxLength = maxLength;
  return copy;
}

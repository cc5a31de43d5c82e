// An action schema as a pattern of compact JSON text: literals (punctuation, property names, consts),
// choices (oneOf, enum, boolean, nullable), bounded strings, integers and arrays. The constrained
// decoder walks it character by character (action-automaton.ts). Only the schema shapes the roles
// use compile; anything else returns null and is generated under node-llama-cpp's full grammar.
// The text a pattern allows is a subset of what node-llama-cpp's grammar for the same schema allows
// (no whitespace, no leading zeros), so every action it lets through parses and fits the schema.

export type PatternNode =
  | { kind: 'literal'; text: string }
  | { kind: 'choice'; options: PatternNode[] }
  | { kind: 'sequence'; items: PatternNode[] }
  /** A JSON string of at most `maxLength` UTF-16 units (an escape counts as the one character it stands for). */
  | { kind: 'string'; maxLength: number }
  /** A JSON integer: `0`, or an optional minus and up to 15 digits without a leading zero. */
  | { kind: 'integer' }
  | { kind: 'array'; item: PatternNode; maxItems: number };

const literal = (text: string): PatternNode => ({ kind: 'literal', text });
const choice = (options: PatternNode[]): PatternNode => options.length === 1 ? options[0]! : { kind: 'choice', options };

/** Arrays without maxItems get this many at most, as strings without maxLength get `maxStringLength`. */
const DEFAULT_MAX_ITEMS = 64;

/** The pattern for a schema, or null when the schema uses something the decoder does not handle. */
export function compileActionPattern(schema: unknown, maxStringLength: number): PatternNode | null {
  try {
    return compile(schema, maxStringLength);
  } catch (error) {
    if (error instanceof UnsupportedSchema) return null;
    throw error;
  }
}

class UnsupportedSchema extends Error {}

function compile(schema: unknown, maxStringLength: number): PatternNode {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) throw new UnsupportedSchema();
  const node = schema as Record<string, unknown>;
  if (Array.isArray(node.oneOf) || Array.isArray(node.anyOf)) {
    const options = (node.oneOf ?? node.anyOf) as unknown[];
    if (options.length === 0) throw new UnsupportedSchema();
    return choice(options.map((option) => compile(option, maxStringLength)));
  }
  if ('const' in node) return valueLiteral(node.const);
  if (Array.isArray(node.enum)) {
    if (node.enum.length === 0) throw new UnsupportedSchema();
    return choice(node.enum.map(valueLiteral));
  }
  const types = Array.isArray(node.type) ? node.type : [node.type];
  if (types.length === 0) throw new UnsupportedSchema();
  return choice(types.map((type) => compileType(type, node, maxStringLength)));
}

function compileType(type: unknown, node: Record<string, unknown>, maxStringLength: number): PatternNode {
  switch (type) {
    case 'string': {
      if (node.minLength !== undefined && node.minLength !== 0) throw new UnsupportedSchema();
      if (node.format !== undefined || node.pattern !== undefined) throw new UnsupportedSchema();
      const maxLength = typeof node.maxLength === 'number' ? Math.floor(node.maxLength) : maxStringLength;
      return { kind: 'string', maxLength };
    }
    case 'boolean': return choice([literal('true'), literal('false')]);
    case 'null': return literal('null');
    case 'integer':
      if (node.minimum !== undefined || node.maximum !== undefined) throw new UnsupportedSchema();
      return { kind: 'integer' };
    case 'array': {
      if (node.minItems !== undefined && node.minItems !== 0) throw new UnsupportedSchema();
      if (node.items === undefined || node.prefixItems !== undefined) throw new UnsupportedSchema();
      const maxItems = typeof node.maxItems === 'number' ? Math.floor(node.maxItems) : DEFAULT_MAX_ITEMS;
      return { kind: 'array', item: compile(node.items, maxStringLength), maxItems };
    }
    case 'object': return compileObject(node, maxStringLength);
    default: throw new UnsupportedSchema();
  }
}

/** node-llama-cpp generates every listed property, in order, and no others: so does the pattern. */
function compileObject(node: Record<string, unknown>, maxStringLength: number): PatternNode {
  if (node.additionalProperties !== undefined && node.additionalProperties !== false) throw new UnsupportedSchema();
  const properties = Object.entries((node.properties ?? {}) as Record<string, unknown>);
  const items: PatternNode[] = [literal('{')];
  properties.forEach(([key, value], index) => {
    items.push(literal(`${index > 0 ? ',' : ''}${JSON.stringify(key)}:`), compile(value, maxStringLength));
  });
  items.push(literal('}'));
  return { kind: 'sequence', items };
}

function valueLiteral(value: unknown): PatternNode {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return literal(JSON.stringify(value));
  throw new UnsupportedSchema();
}

// How a worker tool's arguments are described once, and what is derived from that description: the
// grammar's properties, the parser's checks and the export's JSON schema. The spec each argument
// must have follows from the protocol's `WorkerAction` (see ArgSpecs), so the compiler keeps them in step.
import type { GbnfJsonSchema } from 'node-llama-cpp';
import { FIELD_LIMITS, type FieldLimits } from '../field-limits.js';

/** A string bounded by one of the field limits; empty only where that means something. */
export interface TextArg { kind: 'text'; limit: keyof FieldLimits; emptyAllowed: boolean; description: string }
/** An optional 1-based line number: null in the grammar (every property is generated), absent in the action. */
export interface LineArg { kind: 'line'; description: string }
/** true or false; absent reads as false. */
export interface FlagArg { kind: 'flag'; description: string }
export type ArgSpec = TextArg | LineArg | FlagArg;

/** The spec each argument of an action's args must have: strings are text, booleans flags, optional numbers lines. */
export type ArgSpecs<A> = {
  [K in keyof A]-?: NonNullable<A[K]> extends string ? TextArg
    : NonNullable<A[K]> extends boolean ? FlagArg
    : undefined extends A[K] ? LineArg : never;
};

export const textArg = (limit: keyof FieldLimits, description: string, emptyAllowed = false): TextArg =>
  ({ kind: 'text', limit, emptyAllowed, description });
export const lineArg = (description: string): LineArg => ({ kind: 'line', description });
export const flagArg = (description: string): FlagArg => ({ kind: 'flag', description });

export type Args = Record<string, unknown>;

/** A mistake in an action's arguments, said so the model can correct it. */
export class ArgumentError extends Error {}

/** The grammar's property for one argument. */
export function grammarProperty(spec: ArgSpec, limits: FieldLimits): GbnfJsonSchema {
  switch (spec.kind) {
    case 'text': return { type: 'string', maxLength: limits[spec.limit] };
    // node-llama-cpp makes every listed property required, so optional line numbers are nullable instead.
    case 'line': return { type: ['integer', 'null'] };
    case 'flag': return { type: 'boolean' };
  }
}

/** The export's JSON-schema property for one argument, and whether a call must give it. */
export function exportProperty(spec: ArgSpec): { schema: Record<string, unknown>; required: boolean } {
  switch (spec.kind) {
    case 'text': return { schema: { type: 'string', description: spec.description }, required: true };
    case 'line': return { schema: { type: 'integer', minimum: 1, description: spec.description }, required: false };
    case 'flag': return { schema: { type: 'boolean', description: spec.description }, required: true };
  }
}

/** The checked arguments (absent lines left out), or an ArgumentError thrown. Parsing is against FIELD_LIMITS. */
export function parseArgs(specs: Readonly<Record<string, ArgSpec>>, args: Args): Args {
  rejectExtraArgs(args, Object.keys(specs));
  const parsed: Args = {};
  for (const [key, spec] of Object.entries(specs)) {
    const value = spec.kind === 'text' ? readText(args, key, FIELD_LIMITS[spec.limit], spec.emptyAllowed)
      : spec.kind === 'line' ? readLine(args, key)
      : readFlag(args, key);
    if (value !== undefined) parsed[key] = value;
  }
  return parsed;
}

export function readText(args: Args, key: string, maxLength: number, emptyAllowed = false): string {
  const value = args[key];
  if (typeof value !== 'string') throw new ArgumentError(`"${key}" must be a string.`);
  if (!emptyAllowed && value.trim() === '') throw new ArgumentError(`"${key}" must not be empty.`);
  if (value.length > maxLength) throw new ArgumentError(`"${key}" is longer than ${maxLength} characters.`);
  return value;
}

function readLine(args: Args, key: string): number | undefined {
  const value = args[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ArgumentError(`"${key}" must be a line number (1 or more) or null.`);
  }
  return value;
}

function readFlag(args: Args, key: string): boolean {
  const value = args[key];
  if (value !== undefined && typeof value !== 'boolean') throw new ArgumentError(`"${key}" must be true or false.`);
  return value === true;
}

export function rejectExtraArgs(args: Args, allowed: readonly string[]): void {
  const extra = Object.keys(args).filter((key) => !allowed.includes(key));
  if (extra.length > 0) {
    const expected = allowed.length ? allowed.join(', ') : 'none';
    throw new ArgumentError(`unexpected argument ${extra.map((k) => `"${k}"`).join(', ')} (expected: ${expected}).`);
  }
}

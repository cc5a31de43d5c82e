// A small typed schema builder for request params, so each declaration carries a check of its own
// params that the daemon runs at the protocol boundary (-32602 naming the field). A schema is tied
// to the declared params type in both directions: a declaration whose schema describes a different
// type does not compile. Runtime code, but it imports nothing, so every side of the protocol can load it.

export interface Schema<T> {
  /** Why `value` (found at `at`, e.g. `files[0].verdict`) is not a T, or null when it is. */
  check(value: unknown, at: string): string | null;
  /** Never set: it only makes Schema<T> invariant in T, so a schema must match its params type exactly. */
  readonly type?: (value: T) => T;
}

/** A field that may be absent (or undefined). */
export interface OptionalSchema<T> extends Schema<T | undefined> {
  readonly optional: true;
}

type Fields = Record<string, Schema<any>>;
type TypeOf<S> = S extends Schema<infer T> ? T : never;
type OptionalKeys<F extends Fields> = { [K in keyof F]: F[K] extends { readonly optional: true } ? K : never }[keyof F];
type Flat<T> = { [K in keyof T]: T[K] };
type ObjectOf<F extends Fields> = Flat<
  { [K in Exclude<keyof F, OptionalKeys<F>>]: TypeOf<F[K]> } & { [K in OptionalKeys<F>]?: Exclude<TypeOf<F[K]>, undefined> }
>;

const describe = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'object') return 'an object';
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : typeof value;
};
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const join = (at: string, key: string) => (at ? `${at}.${key}` : key);
const name = (at: string) => (at ? `"${at}"` : 'params');

function primitive<T>(kind: 'string' | 'number' | 'boolean'): Schema<T> {
  return {
    check: (value, at) => (typeof value === kind && (kind !== 'number' || Number.isFinite(value))
      ? null : `${name(at)} must be a ${kind} (got ${describe(value)})`),
  };
}

export const s = {
  string: (): Schema<string> => primitive('string'),
  number: (): Schema<number> => primitive('number'),
  boolean: (): Schema<boolean> => primitive('boolean'),

  /** One of a fixed list of strings, e.g. `s.oneOf(ROLES)` or `s.oneOf(['approved', 'merged'] as const)`. */
  oneOf: <const T extends string>(values: readonly T[]): Schema<T> => ({
    check: (value, at) => (typeof value === 'string' && (values as readonly string[]).includes(value)
      ? null : `${name(at)} must be one of ${values.join(', ')} (got ${describe(value)})`),
  }),

  optional: <T>(inner: Schema<T>): OptionalSchema<T> => ({
    optional: true,
    check: (value, at) => (value === undefined ? null : inner.check(value, at)),
  }),

  nullable: <T>(inner: Schema<T>): Schema<T | null> => ({
    check: (value, at) => (value === null ? null : inner.check(value, at)),
  }),

  array: <T>(item: Schema<T>): Schema<T[]> => ({
    check: (value, at) => {
      if (!Array.isArray(value)) return `${name(at)} must be an array (got ${describe(value)})`;
      for (const [i, element] of value.entries()) {
        const problem = item.check(element, `${at}[${i}]`);
        if (problem) return problem;
      }
      return null;
    },
  }),

  /** An object used as a map from any string key to values of one type. */
  record: <T>(item: Schema<T>): Schema<Record<string, T>> => ({
    check: (value, at) => {
      if (!isPlainObject(value)) return `${name(at)} must be an object (got ${describe(value)})`;
      for (const [key, element] of Object.entries(value)) {
        const problem = item.check(element, `${at}[${JSON.stringify(key)}]`);
        if (problem) return problem;
      }
      return null;
    },
  }),

  /**
   * An object with exactly these fields; a field it does not know is refused, so a misspelt
   * optional field is reported instead of silently ignored. `label` names the whole value in errors.
   */
  object: <F extends Fields>(fields: F, label?: string): Schema<ObjectOf<F>> => ({
    check: (value, at) => {
      if (!isPlainObject(value)) return `${at ? name(at) : label ?? 'params'} must be an object (got ${describe(value)})`;
      for (const [key, field] of Object.entries(fields)) {
        if (!(key in value) && !(field as Partial<OptionalSchema<unknown>>).optional) return `${name(join(at, key))} is required`;
        const problem = field.check(value[key], join(at, key));
        if (problem) return problem;
      }
      const unknown = Object.keys(value).find((key) => !(key in fields));
      return unknown === undefined ? null : `${name(join(at, unknown))} is not a field of ${at ? name(at) : label ?? 'these params'}`;
    },
  }),

  /** No params: absent, null, or an empty object or array (what clients send for a parameterless request). */
  none: (): Schema<void> => ({
    check: (value) => (value === undefined || value === null || (Array.isArray(value) && value.length === 0)
      || (isPlainObject(value) && Object.keys(value).length === 0) ? null : `this request takes no params (got ${describe(value)})`),
  }),
};

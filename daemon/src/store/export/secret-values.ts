// Does a value given to a secret-named key look like a secret, or like code, a placeholder or prose?
// `password: string`, `token = tokens[i]`, `apiKey: process.env.KEY`, `"${{ secrets.X }}"` and
// `'Password must have 8 characters'` are not secrets; `hunter2`, `"p@ss w0rd"` for a passphrase
// and a 40-character key are.

const PLACEHOLDER = /^(?:\$|%[s(]|<|\{\{|\{%|\[REDACTED|process\.env|os\.environ|env\(|getenv|secrets\.|vault:|!)/i;
const MASKED = /^([*xX.\-_#•])\1*$/;
const NOT_VALUES = new Set([
  'null', 'none', 'nil', 'true', 'false', 'undefined', 'required', 'optional', 'string', 'str', 'bool', 'boolean', 'number',
  'int', 'integer', 'object', 'any', 'bytes', 'unknown', 'never', 'void', 'text', 'hidden', 'bearer', 'basic', 'token', 'password',
  'secret', 'passwd', 'passphrase', 'credentials', 'apikey', 'api_key', 'env', 'redacted', 'sensitive', 'masked', 'omitted',
]);

export interface ValueContext {
  /** The value stood in quotes (a literal), as opposed to a bare word (which may be code). */
  quoted: boolean;
  /** The key said so outright ('strong') or only maybe ('weak', e.g. `auth`). */
  kind: 'strong' | 'weak';
  /** The line is a plain `KEY=value` / `key: value` line (an env, INI or YAML file), not code. */
  plainLine: boolean;
  /** The key may hold a phrase with spaces (`passphrase`). */
  phrase: boolean;
}

export function looksLikeSecret(value: string, context: ValueContext): boolean {
  if (value.length < 3 || PLACEHOLDER.test(value) || MASKED.test(value)) return false;
  if (NOT_VALUES.has(value.toLowerCase())) return false;
  if (/\s/.test(value) && !context.phrase) return false; // prose: an error message, a label
  if (/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(value)) return false; // the name of a variable: GITHUB_TOKEN
  if (/^[a-z]+(?:[._][a-z]+){2,}$/.test(value)) return false; // an i18n key: auth.password.label
  if (context.kind === 'weak' && !looksRandom(value)) return false;
  if (context.quoted) return true;
  // A bare word: code unless it reads as a credential.
  if (/^(?:new|await|function|lambda|typeof|this|self)\b/.test(value) || /[()]/.test(value)) return false;
  if (/^[A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*|\[[^\]]*\])+[;,]?$/.test(value)) return false; // obj.field, arr[i]
  if (/^[A-Za-z_$][\w$]*[;,]?$/.test(value)) {
    // An identifier: a credential in an env/INI line, a variable in code unless it reads as random.
    return context.plainLine ? !/[;,]$/.test(value) : looksRandom(value);
  }
  return true;
}

/** Character classes and length of a machine-made token: digits with letters, or long mixed case. */
export function looksRandom(value: string): boolean {
  if (value.length < 8 || !/^[\w+/=.~!@#$%^&*:-]+$/.test(value)) return false;
  const lower = /[a-z]/.test(value);
  const upper = /[A-Z]/.test(value);
  const digit = /[0-9]/.test(value);
  const symbol = /[+/=_-]/.test(value);
  const classes = [lower, upper, digit, symbol].filter(Boolean).length;
  if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(value)) return false; // a dotted name: obj.field, TokenKind.Identifier
  // Without digits, only long text whose case flips often (base64), not a CamelCase name.
  if (!(digit && (lower || upper)) && !(lower && upper && value.length >= 24 && caseFlips(value) >= value.length / 3)) return false;
  return classes >= 2 && entropyPerChar(value) >= 2.8;
}

export function entropyPerChar(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / value.length) * Math.log2(n / value.length);
  return bits;
}

function caseFlips(value: string): number {
  let flips = 0;
  for (let i = 1; i < value.length; i++) {
    const a = value[i - 1]!;
    const b = value[i]!;
    if ((/[a-z]/.test(a) && /[A-Z]/.test(b)) || (/[A-Z]/.test(a) && /[a-z]/.test(b))) flips++;
  }
  return flips;
}

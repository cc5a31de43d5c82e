// Secrets known by where they stand rather than by their shape: the value of a secret-named key in
// any assignment syntax, a URL's password, an auth header, a CLI password flag, an npmrc token, and
// a random-looking token right after a secret-ish word. Each rule finds the secret's span in a match
// and leaves the words around it, so an example still reads naturally.
import { secretNameKind, wordsOf } from './secret-names.js';
import { looksLikeSecret, looksRandom } from './secret-values.js';

export interface RedactionRule {
  name: string;
  /** A cheap test that must pass before the pattern runs: most text holds no secret at all. */
  hint?: string | RegExp;
  /** Global, with indices ('gd'). */
  pattern: RegExp;
  /** The secret's span in `text`, or null when this match holds none. */
  secret(match: RegExpExecArray, text: string): [number, number] | null;
}

const spanOf = (match: RegExpExecArray, group: number | string): [number, number] | null =>
  (typeof group === 'number' ? match.indices?.[group] : match.indices?.groups?.[group]) ?? null;
const isPlaceholder = (value: string) => /^(?:\$|\{\{|<|%|\[REDACTED|\*+$|x+$)/i.test(value);

/** Quoted (JSON, escaped JSON, single, backtick) or bare values after an assignment operator. */
const VALUE = String.raw`(?:\\"(?<eq>(?:[^"\\\n]|\\(?!"))*)\\"|"(?<dq>(?:[^"\\\n]|\\.)*)"|'(?<sq>(?:[^'\\\n]|\\.)*)'|\x60(?<bq>[^\x60$\n]*)\x60|(?<bare>[^\s'"\x60\\]+))`;
// Only names with a secret-ish word in them, so a harmless key's match cannot swallow a secret one after it.
const KEY = String.raw`(?<q>\\?["']?)(?=[\w$.-]*(?:pass|pwd|secret|token|key|cred|auth|session|cookie|sig|sid))(?<key>[A-Za-z_$][\w$.-]*)\k<q>\]?`;
const QUOTED_GROUPS = ['eq', 'dq', 'sq', 'bq'] as const;

function assignmentSecret(match: RegExpExecArray, text: string): [number, number] | null {
  const groups = match.groups!;
  const kind = secretNameKind(groups.key!);
  if (!kind) return null;
  const quotedGroup = QUOTED_GROUPS.find((g) => groups[g] !== undefined);
  const [start, end] = spanOf(match, quotedGroup ?? 'bare')!;
  let value = text.slice(start, end);
  const keyStart = spanOf(match, 'key')![0];
  if (!quotedGroup) {
    // Code, not a value: `password: BinaryLike,` `session: Http2Session | undefined;` `token = next;`
    if (/^[A-Za-z_$][\w$]*(?:[;,]|$)/.test(value) && (/[;,]$/.test(value) || /^\s*\|/.test(text.slice(end)))) return null;
    if (/^[A-Za-z_$][\w$.]*</.test(value)) return null; // a generic type: Map<string, Session>
    if (/[?&]$/.test(text.slice(0, keyStart))) value = value.split(/[&#]/)[0]!; // a URL query parameter
    value = value.replace(value.includes('[') ? /[,;)}]+$/ : /[,;)}\]]+$/, '');
  } else if (/^\s*\|/.test(text.slice(end + 1))) {
    return null; // a union of string literals: type Credentials = 'omit' | 'include'
  }
  // A value that repeats a word of its key is an enum or a field name: EVENT_PASS: "pass".
  if (wordsOf(groups.key!).includes(value.toLowerCase())) return null;
  const lineStart = text.lastIndexOf('\n', keyStart - 1) + 1;
  const lineEnd = text.indexOf('\n', end) === -1 ? text.length : text.indexOf('\n', end);
  const plainLine = /^\s*(?:export\s+|set\s+|-\s+)?\\?["']?$/.test(text.slice(lineStart, keyStart))
    && /^\s*(?:#.*)?$/.test(text.slice(start + value.length + (quotedGroup ? 1 : 0), lineEnd).replace(/^\\?["']?,?/, ''));
  const phrase = /pass_?phrase/i.test(groups.key!);
  if (!looksLikeSecret(value, { quoted: Boolean(quotedGroup), kind, plainLine, phrase })) return null;
  return [start, start + value.length];
}

export const contextRules: RedactionRule[] = [
  {
    // scheme://user:password@host, the user possibly empty and the password possibly holding '@'.
    name: 'url-password', hint: '://',
    pattern: /(?<=\b[a-z][a-z0-9+.-]*):\/\/(?<authority>[^\s/?#'"`<>\\]*)/gid, // starts at '://': cheap on text without URLs
    secret(match) {
      const [start] = spanOf(match, 'authority')!;
      const authority = match.groups!.authority!;
      const at = authority.lastIndexOf('@');
      const colon = authority.indexOf(':');
      if (at < 0 || colon < 0 || colon > at) return null;
      const password = authority.slice(colon + 1, at);
      if (!password || isPlaceholder(password)) return null;
      return [start + colon + 1, start + at];
    },
  },
  {
    // A passphrase line keeps its spaces: `passphrase = correct horse battery staple`.
    name: 'secret-assignment', hint: /phrase/i,
    pattern: /^[ \t]*(?:export\s+)?["']?(?<key>[\w.-]*pass_?phrase[\w.-]*)["']?[ \t]*[:=][ \t]*(?<value>[^\s"'][^\n]*?)[ \t]*$/gimd,
    secret: (match) => (secretNameKind(match.groups!.key!) === 'strong' && !isPlaceholder(match.groups!.value!) ? spanOf(match, 'value') : null),
  },
  {
    name: 'auth-header', hint: /authorization/i,
    pattern: /\b(?:proxy-)?authorization\\?["']?[ \t]*[:=][ \t]*\\?["'`]?[ \t]*(?:(?:bearer|basic|token|digest|bot|negotiate|ntlm|apikey|api-key|key|sso-key|ssws|jwt|oauth|splunk|geniekey)[ \t]+)?(?<value>[^\s'"`,;\\]+)/gid,
    secret(match) {
      const value = match.groups!.value!;
      const context = { quoted: false, kind: 'strong', plainLine: true, phrase: false } as const;
      return value.length >= 6 && looksLikeSecret(value, context) ? spanOf(match, 'value') : null;
    },
  },
  {
    name: 'npmrc-token', hint: ':_',
    pattern: /:_(?:authToken|auth|password)[ \t]*=[ \t]*(?<value>[^\s'"\\]+)/gd,
    secret: (match) => (isPlaceholder(match.groups!.value!) ? null : spanOf(match, 'value')),
  },
  {
    // KEY=value, key: value, "key": "value", key := 'value', key => "value", obj.key = `value`, ?key=value.
    name: 'secret-assignment', hint: /pass|pwd|secret|token|key|cred|auth|session|cookie|sig/i,
    pattern: new RegExp(String.raw`(?<![\w$-])${KEY}[ \t]*(?::=|=>|\+=|=|:)[ \t]*${VALUE}`, 'gdi'),
    secret: assignmentSecret,
  },
  {
    name: 'secret-assignment', hint: '</',
    pattern: /<(?<key>[\w:.-]+)>(?<value>[^<\n]{3,200})<\/\k<key>>/gd,
    secret(match) {
      const kind = secretNameKind(match.groups!.key!);
      const context = { quoted: true, kind: kind ?? 'weak', plainLine: false, phrase: false };
      return kind && looksLikeSecret(match.groups!.value!, context) ? spanOf(match, 'value') : null;
    },
  },
  {
    // --password=x, --api-key x, --client-secret "x y" (flags that name a file, a stdin or a prompt do not).
    name: 'cli-secret-flag', hint: '--',
    pattern: /(?<![\w-])--(?<flag>[A-Za-z][\w-]*)(?:=|[ \t]+)(?:"(?<dq>[^"\n]*)"|'(?<sq>[^'\n]*)'|(?<bare>[^\s'"`\\-][^\s'"`\\]*))/gd,
    secret(match) {
      const flag = match.groups!.flag!;
      if (flag.startsWith('no-') || secretNameKind(flag) !== 'strong') return null;
      const group = ['dq', 'sq', 'bare'].find((g) => match.groups![g] !== undefined)!;
      const value = match.groups![group]!;
      return isPlaceholder(value) || !value ? null : spanOf(match, group);
    },
  },
  {
    // mysql -pPASS (attached: a separate word after -p is the database), sshpass -p PASS, redis-cli -a PASS, docker login -p PASS.
    name: 'cli-secret-flag', hint: /mysql|mariadb|sshpass|redis-cli|login/,
    pattern: /(?:(?<=\b(?:mysql|mysqldump|mariadb|mariadb-dump|mysqladmin|mysqlimport|mysqlcheck|mysqlshow|mysqlpump|mysqlsh)\b[^\n|;&]*[ \t])-p(?<attached>"[^"\n]*"|'[^'\n]*'|[^\s'"`]+)|(?<=\bsshpass\b[^\n|;&]*[ \t])-p[ \t]*(?<sshpass>"[^"\n]*"|'[^'\n]*'|[^\s'"`]+)|(?<=\bredis-cli\b[^\n|;&]*[ \t])-a[ \t]+(?<redis>"[^"\n]*"|'[^'\n]*'|[^\s'"`-][^\s'"`]*)|(?<=\blogin\b[^\n|;&]*[ \t])-p[ \t]+(?<login>[^\s'"`-][^\s'"`]*))/gd,
    secret(match) {
      const group = ['attached', 'sshpass', 'redis', 'login'].find((g) => match.groups![g] !== undefined)!;
      return isPlaceholder(match.groups![group]!.replace(/^["']/, '')) ? null : spanOf(match, group);
    },
  },
  {
    // curl -u user:password, --user, --proxy-user; smbclient -U user%password.
    name: 'cli-secret-flag', hint: /-u|-U|--user|--proxy-user/,
    pattern: /(?<![\w-])(?:-u|--user|--proxy-user)[ \t]+["']?[^\s:'"]*:(?<value>[^\s'"]+)|(?<![\w-])-U[ \t]+["']?[^\s%'"]+%(?<smb>[^\s'"]+)/gd,
    secret(match) {
      const group = match.groups!.value !== undefined ? 'value' : 'smb';
      return isPlaceholder(match.groups![group]!) ? null : spanOf(match, group);
    },
  },
  {
    // A random-looking token shortly after a secret-ish word: "the prod password is Xk29…", "token 3f9a…".
    name: 'token-near-secret-word',
    hint: /pass|pwd|secret|token|key|cred|auth/i,
    pattern: /\b(?:passwords?|passwd|pwd|passphrase|secrets?|tokens?|(?:api|access|secret|private|signing|master)[ _-]?keys?|credentials?|creds|auth)\b(?<after>[^\n]{0,80})/gid,
    secret(match, text) {
      if (/\[REDACTED:[\w-]*$/.test(text.slice(Math.max(0, match.index - 40), match.index))) return null; // a marker's own words
      const [afterStart] = spanOf(match, 'after')!;
      let offset = 0;
      for (const word of match.groups!.after!.split(/(?<=[\s=:,"'`(){}[\]])/).slice(0, 8)) {
        const trimmed = word.replace(/^[\s=:,"'`(){}[\]]+/, '').replace(/[\s=:,"'`(){}[\].;!?]+$/, '');
        const lead = word.indexOf(trimmed);
        if (trimmed && !trimmed.startsWith('[REDACTED') && !/:\/\/|^\.?\//.test(trimmed) && looksRandom(trimmed)
          && !/^[a-z]+(?:[A-Z][a-z]+)+$/.test(trimmed)) {
          return [afterStart + offset + lead, afterStart + offset + lead + trimmed.length];
        }
        offset += word.length;
      }
      return null;
    },
  },
  {
    // A bare AWS secret access key: 40 characters of base64 with every class in it.
    name: 'aws-secret-key',
    pattern: /(?<![\w+/=-])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])/gd, // not the tail of a prefixed token (lin_api_…)
    secret(match) {
      const value = match[0];
      return /[a-z]/.test(value) && /[A-Z]/.test(value) && /[0-9]/.test(value) && looksRandom(value) && distinct(value) >= 20 ? [match.index, match.index + 40] : null;
    },
  },
];

function distinct(value: string): number {
  return new Set(value).size;
}

// Secrets never reach a dataset. Each rule matches one common shape (a provider's key format, a
// token header, a key block, a password in a URL, a secret-named assignment) and replaces only the
// secret, keeping the words around it so the example still reads naturally. Rules run in order; the
// keyed rules skip values an earlier rule already replaced.

interface RedactionRule {
  name: string;
  pattern: RegExp;
  /** A cheap test that must pass before the pattern runs: most text holds no secret at all. */
  hint?: string | RegExp;
  /** Which capture groups to keep around the secret: [before, after]; 0 keeps nothing. */
  keep?: [number, number];
}

const ALREADY = String.raw`(?!\[REDACTED)`;
// Placeholders and variable references are not secrets.
const NOT_PLACEHOLDER = String.raw`(?!\$|<|\{\{|%\(|process\.env|os\.environ)`;
const SECRET_KEY = String.raw`(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|secret[_-]?key|client[_-]?secret|auth[_-]?key|credentials?)`;

const KEYWORD_HINT = /pass|pwd|secret|token|key|credential/i;

const rules: RedactionRule[] = [
  { hint: 'PRIVATE KEY', name: 'private-key', pattern: /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----[\s\S]*?-----END \1-----/g },
  // A key block cut off before its END line (a truncated tool output) still hides its body.
  { hint: 'PRIVATE KEY', name: 'private-key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=:,\s-]|\\n)*/g },
  { hint: '://', name: 'url-password', pattern: /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/'"`]+:)([^\s@/'"`]+)(@)/gi, keep: [1, 3] },
  { name: 'aws-access-key', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g },
  { name: 'github-token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/g },
  { name: 'github-token', pattern: /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/g },
  { name: 'gitlab-token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}/g },
  { name: 'slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  { name: 'slack-webhook', pattern: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+/g },
  { name: 'discord-webhook', pattern: /https:\/\/(?:discord|discordapp)\.com\/api\/webhooks\/\d+\/[A-Za-z0-9_-]+/g },
  { name: 'stripe-key', pattern: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g },
  { name: 'anthropic-key', pattern: /\bsk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{20,}/g },
  { name: 'openai-key', pattern: /\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}/g },
  { name: 'openai-key', pattern: /\bsk-[A-Za-z0-9]{32,}\b/g },
  { name: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g },
  { name: 'google-oauth-secret', pattern: /\bGOCSPX-[A-Za-z0-9_-]{28}(?![A-Za-z0-9_-])/g },
  { name: 'sendgrid-key', pattern: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g },
  { name: 'npm-token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { name: 'pypi-token', pattern: /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/g },
  { name: 'huggingface-token', pattern: /\bhf_[A-Za-z0-9]{34,}\b/g },
  { name: 'twilio-key', pattern: /\bSK[0-9a-f]{32}\b/g },
  { name: 'mailgun-key', pattern: /\bkey-[0-9a-f]{32}\b/g },
  { name: 'shopify-token', pattern: /\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b/g },
  { name: 'digitalocean-token', pattern: /\bdo[opr]_v1_[a-f0-9]{64}\b/g },
  { name: 'databricks-token', pattern: /\bdapi[a-f0-9]{32}(?:-\d)?\b/g },
  { name: 'square-token', pattern: /\bsq0(?:atp|csp)-[A-Za-z0-9_-]{22,43}/g },
  { hint: ':AA', name: 'telegram-bot-token', pattern: /\b\d{8,10}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])/g },
  { hint: 'AccountKey=', name: 'azure-storage-key', pattern: /(AccountKey=)([A-Za-z0-9+/]{40,}={0,2})()/g, keep: [1, 3] },
  { name: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  // Tokens carry a digit somewhere; "Bearer authentication" in prose does not.
  { hint: 'Bearer', name: 'bearer-token', pattern: new RegExp(String.raw`(\bBearer\s+)${ALREADY}(?=[A-Za-z0-9._~+/-]*\d)([A-Za-z0-9._~+/-]{16,}=*)()`, 'g'), keep: [1, 3] },
  { hint: /basic/i, name: 'basic-auth', pattern: new RegExp(String.raw`(\bAuthorization:\s*Basic\s+)${ALREADY}([A-Za-z0-9+/]{8,}={0,2})()`, 'gi'), keep: [1, 3] },
  // .env files: KEY=value with no spaces around "=", the key ending in a secret word.
  { hint: KEYWORD_HINT, name: 'env-secret', pattern: new RegExp(String.raw`^(\s*(?:export\s+)?[A-Za-z0-9_.-]*?${SECRET_KEY}=)${ALREADY}${NOT_PLACEHOLDER}("[^"\n]+"|'[^'\n]+'|[^\s'"]+)()`, 'gim'), keep: [1, 3] },
  // Code, JSON and YAML: a secret-named key given a quoted literal.
  { hint: KEYWORD_HINT, name: 'secret-assignment', pattern: new RegExp(String.raw`((?<![A-Za-z0-9])["']?[A-Za-z0-9_.-]*?${SECRET_KEY}["']?\s*(?::|=|:=|=>)\s*(["']))${ALREADY}${NOT_PLACEHOLDER}([^\s"'\n]{4,})(\2)`, 'gi'), keep: [1, 4] },
  // YAML/INI with a bare value: it must hold a digit or symbol, so `token: string` stays.
  { hint: KEYWORD_HINT, name: 'secret-assignment', pattern: new RegExp(String.raw`^(\s*[A-Za-z0-9_.-]*?${SECRET_KEY}\s*[:=]\s*)${ALREADY}${NOT_PLACEHOLDER}(?=[^\s]*[0-9!@%*+/=_-])([^\s#'"{}()\[\],;]{4,})(\s*)$`, 'gim'), keep: [1, 3] },
  { hint: /pass|pwd/i, name: 'connection-string-password', pattern: new RegExp(String.raw`(\b(?:Password|Pwd)=)${ALREADY}(?!\$)([^;'"\s]+)()`, 'gi'), keep: [1, 3] },
  { hint: '--', name: 'cli-secret-flag', pattern: new RegExp(String.raw`(--(?:password|passwd|token|api-key|secret|client-secret)[= ])${ALREADY}(?!\$|-)([^\s'"]+)()`, 'gi'), keep: [1, 3] },
];

export interface RedactionResult {
  text: string;
  count: number;
}

export function redactText(text: string): RedactionResult {
  if (text.length < 8) return { text, count: 0 };
  let count = 0;
  let out = text;
  for (const rule of rules) {
    if (rule.hint && !(typeof rule.hint === 'string' ? out.includes(rule.hint) : rule.hint.test(out))) continue;
    rule.pattern.lastIndex = 0;
    if (!rule.pattern.test(out)) continue;
    out = out.replace(rule.pattern, (...groups: unknown[]) => {
      count++;
      const marker = `[REDACTED:${rule.name}]`;
      if (!rule.keep) return marker;
      const [before, after] = rule.keep;
      return `${(groups[before] as string | undefined) ?? ''}${marker}${(groups[after] as string | undefined) ?? ''}`;
    });
  }
  return { text: out, count };
}

/** Redacts every string in a JSON value and keeps a running count, for one export's manifest. */
export class Redactor {
  count = 0;

  deep<T>(value: T): T {
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') {
      const result = redactText(value);
      this.count += result.count;
      return result.text;
    }
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.walk(v);
      return out;
    }
    return value;
  }
}

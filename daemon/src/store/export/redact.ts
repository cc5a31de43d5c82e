// Secrets never reach a dataset. Three layers run over every exported string, in order:
// - shape rules: a provider's key format, a key block, a JWT (the table below);
// - context rules (context-rules.ts): a secret known by where it stands: a secret-named key in any
//   assignment syntax, a URL's password, an auth header, a CLI password flag, a token after a secret word;
// - secretlint's recommended preset (secretlint-pass.ts), a maintained detector, for what is left.
// Each replaces only the secret with [REDACTED:<rule>], keeping the words around it, and counts per rule.
import { contextRules, type RedactionRule } from './context-rules.js';
import { secretlintFindings } from './secretlint-pass.js';

interface ShapeRule {
  name: string;
  pattern: RegExp;
  hint?: string | RegExp;
  /** Capture groups around the secret to keep: [before, after]; without it the whole match goes. */
  keep?: [number, number];
}

const ALREADY = String.raw`(?!\[REDACTED)`;

const shapeRules: ShapeRule[] = [
  { hint: 'PRIVATE KEY', name: 'private-key', pattern: /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----[\s\S]*?-----END \1-----/g },
  // A key block cut off before its END line (a truncated tool output) still hides its body.
  { hint: 'PRIVATE KEY', name: 'private-key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=:,\s-]|\\n)*/g },
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
  { hint: /pass|pwd/i, name: 'connection-string-password', pattern: new RegExp(String.raw`(\b(?:Password|Pwd)=)${ALREADY}(?!\$)([^;'"\s]+)()`, 'gi'), keep: [1, 3] },
]

/** A shape rule as a RedactionRule: the secret is the whole match, or what lies between the kept groups. */
function fromShape(rule: ShapeRule): RedactionRule {
  const flags = rule.pattern.flags.includes('d') ? rule.pattern.flags : `${rule.pattern.flags}d`;
  return {
    name: rule.name,
    hint: rule.hint,
    pattern: new RegExp(rule.pattern.source, flags),
    secret(match) {
      if (!rule.keep) return [match.index, match.index + match[0].length];
      return [match.indices![rule.keep[0]]![1], match.indices![rule.keep[1]]![0]];
    },
  };
}

const rules: RedactionRule[] = [...shapeRules.map(fromShape), ...contextRules];

export interface RedactionResult {
  text: string;
  count: number;
  /** Redactions per rule name. */
  byRule: Record<string, number>;
}

/** The shape and context rules (synchronous); `Redactor` adds secretlint. */
export function redactText(text: string): RedactionResult {
  const byRule: Record<string, number> = {};
  if (text.length < 8) return { text, count: 0, byRule };
  let out = text;
  for (const rule of rules) {
    if (rule.hint && !(typeof rule.hint === 'string' ? out.includes(rule.hint) : rule.hint.test(out))) continue;
    rule.pattern.lastIndex = 0;
    out = replaceSpans(out, [...out.matchAll(rule.pattern)].map((match) => rule.secret(match, out)), rule.name, byRule);
  }
  return { text: out, count: total(byRule), byRule };
}

/** Replaces each span (in order, non-overlapping; null skipped) with the rule's marker. */
function replaceSpans(text: string, spans: ([number, number] | null)[], name: string, byRule: Record<string, number>): string {
  let out = '';
  let last = 0;
  for (const span of spans) {
    if (!span || span[1] <= span[0] || span[0] < last) continue;
    out += `${text.slice(last, span[0])}[REDACTED:${name}]`;
    last = span[1];
    byRule[name] = (byRule[name] ?? 0) + 1;
  }
  return last === 0 ? text : out + text.slice(last);
}

const total = (byRule: Record<string, number>) => Object.values(byRule).reduce((a, b) => a + b, 0);

/**
 * Redacts every string in a JSON value with all three layers and keeps running counts per rule, for
 * one export's manifest. Strings repeat across records (system prompts, history), so results are cached.
 */
export class Redactor {
  readonly byRule: Record<string, number> = {};
  private readonly cache = new Map<string, RedactionResult>();
  private static readonly CACHE_LIMIT = 20_000;

  get count(): number {
    return total(this.byRule);
  }

  async deep<T>(value: T): Promise<T> {
    return (await this.walk(value)) as T;
  }

  async text(text: string): Promise<string> {
    let result = this.cache.get(text);
    if (!result) {
      result = redactText(text);
      const byRule = { ...result.byRule };
      const findings = await secretlintFindings(result.text);
      const redacted = findings.length ? replaceFindings(result.text, findings, byRule) : result.text;
      result = { text: redacted, count: total(byRule), byRule };
      if (this.cache.size >= Redactor.CACHE_LIMIT) this.cache.clear();
      this.cache.set(text, result);
    }
    for (const [rule, n] of Object.entries(result.byRule)) this.byRule[rule] = (this.byRule[rule] ?? 0) + n;
    return result.text;
  }

  private async walk(value: unknown): Promise<unknown> {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (const v of value) out.push(await this.walk(v));
      return out;
    }
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = await this.walk(v);
      return out;
    }
    return value;
  }
}

function replaceFindings(text: string, findings: { rule: string; start: number; end: number }[], byRule: Record<string, number>): string {
  let out = text;
  // From the end, so earlier offsets stay valid; overlapping findings are merged into the earlier one.
  let limit = Infinity;
  for (const finding of [...findings].sort((a, b) => b.start - a.start)) {
    const end = Math.min(finding.end, limit);
    if (end <= finding.start) continue;
    out = `${out.slice(0, finding.start)}[REDACTED:${finding.rule}]${out.slice(end)}`;
    byRule[finding.rule] = (byRule[finding.rule] ?? 0) + 1;
    limit = finding.start;
  }
  return out;
}

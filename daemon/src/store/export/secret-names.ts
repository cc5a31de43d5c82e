// Does a key, header, flag or variable name a secret? Names are split into words (camelCase, snake,
// kebab, dots), words that only qualify the secret (`_BASE`, `_VALUE`, `new_`) are dropped, and the
// last word decides: `aws_secret_access_key`, `DB_PASSWORD`, `SECRET_KEY_BASE`, `_authToken` and
// `X-Api-Key` name secrets; `tokenizer`, `secretName`, `TOKEN_LIMIT` and `passwordField` do not.

export type SecretNameKind = 'strong' | 'weak' | null;

/** Nouns that are a secret by themselves. */
const SECRET_NOUNS = new Set([
  'password', 'passwd', 'pwd', 'passphrase', 'passcode', 'secret', 'token', 'credential', 'credentials', 'creds',
  'apikey', 'authtoken', 'accesstoken', 'refreshtoken', 'secretkey', 'privatekey', 'accesskey', 'clientsecret',
]);
/** Long nouns a fused name may end with (`PGPASSWORD`, `MYSQLPWD` is too short to trust, `clientsecret`). */
const FUSED_SUFFIXES = ['password', 'passwd', 'passphrase', 'secret', 'token', 'apikey', 'secretkey', 'accesskey', 'privatekey'];
/** `key` is a secret only after one of these (`api key`, `signing key`, not `primary key` or `hotkey`). */
const KEY_QUALIFIERS = new Set([
  'api', 'access', 'secret', 'private', 'signing', 'sign', 'encryption', 'encrypt', 'decryption', 'master', 'client',
  'app', 'application', 'account', 'auth', 'session', 'shared', 'service', 'webhook', 'consumer', 'storage', 'admin',
  'root', 'deploy', 'ssh', 'gpg', 'pgp', 'hmac', 'jwt', 'crypto', 'cipher', 'aes', 'license', 'subscription', 'sas',
]);
/** Words after the noun that still name the secret itself. */
const TRAILING_QUALIFIERS = new Set([
  'base', 'value', 'val', 'b64', 'base64', 'hex', 'raw', 'str', 'string', 'plain', 'plaintext', 'text', 'data', 'enc',
  'encrypted', 'encoded', 'confirm', 'confirmation', 'again', 'repeat', 'prod', 'production', 'dev', 'staging', 'test',
  'local', 'live', 'env', 'var', 'v1', 'v2', 'new', 'old', 'current', 'literal', 'here',
]);
/** Nouns that name a secret only when the value looks like one (`auth: true` is no secret; Docker's `"auth": "dXNl…"` is). */
const WEAK_NOUNS = new Set(['auth', 'authorization', 'pass', 'signature', 'cookie', 'session', 'sessionid', 'sid']);
/** Whole names that are never secrets although they end like one. */
const NOT_SECRETS = new Set(['pwd', 'oldpwd', 'pass', 'passed', 'max_tokens', 'csrf_token_name']);

export function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** 'strong': the name says it holds a secret; 'weak': it may; null: it does not. */
export function secretNameKind(name: string): SecretNameKind {
  const words = wordsOf(name);
  if (!words.length) return null;
  while (words.length > 1 && TRAILING_QUALIFIERS.has(words.at(-1)!)) words.pop();
  const last = words.at(-1)!;
  const before = words.at(-2);
  if (words.length === 1 && NOT_SECRETS.has(last)) return null;
  if (SECRET_NOUNS.has(last)) return 'strong';
  if (last === 'key' && before !== undefined && KEY_QUALIFIERS.has(before)) return 'strong';
  if (last === 'pass' && words.length > 1) return 'strong'; // DB_PASS, smtp_pass
  if (FUSED_SUFFIXES.some((suffix) => last.length > suffix.length + 1 && last.endsWith(suffix))) return 'strong';
  if (WEAK_NOUNS.has(last)) return 'weak';
  return null;
}

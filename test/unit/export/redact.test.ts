// Redaction: every planted secret, in the context it is usually found in, disappears; ordinary
// code that merely talks about keys, tokens and passwords is left exactly as it was.
// Secrets are assembled at run time so this file holds no string a secret scanner would flag.
import assert from 'node:assert/strict';
import { Redactor, redactText } from '../../../daemon/src/store/export/redact.js';

let seed = 7;
function fake(length: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    out += alphabet[seed % alphabet.length];
  }
  return out;
}
const HEX = '0123456789abcdef';
const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const pemBody = Array.from({ length: 6 }, () => fake(64, B64)).join('\n');
const jwt = ['eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9', 'eyJ' + fake(40), fake(43)].join('.');

/** [shape, the secret, the secret in the context it is usually found in]. */
const planted: [string, string, string][] = [];
function plant(shape: string, secret: string, context: (s: string) => string): void {
  planted.push([shape, secret, context(secret)]);
}
plant('AWS access key id', 'AKIA' + fake(16, UPPER_DIGITS), (s) => `aws_access_key_id = ${s}`);
plant('AWS STS key id', 'ASIA' + fake(16, UPPER_DIGITS), (s) => `const creds = { accessKeyId: '${s}' };`);
plant('AWS secret in credentials file', fake(40, B64), (s) => `[default]\naws_secret_access_key=${s}`);
plant('GitHub classic token', 'ghp_' + fake(36), (s) => `git clone https://github.com/org/repo # token ${s}`);
plant('GitHub OAuth token', 'gho_' + fake(36), (s) => `Authorization: token ${s}`);
plant('GitHub fine-grained PAT', 'github_pat_' + fake(22) + '_' + fake(59), (s) => `GH_PAT=${s}`);
plant('GitLab PAT', 'glpat-' + fake(20), (s) => `curl --header "PRIVATE-TOKEN: ${s}" https://gitlab.example.com/api/v4/projects`);
plant('Slack bot token', 'xoxb-' + fake(11, '0123456789') + '-' + fake(13, '0123456789') + '-' + fake(24), (s) => `const slack = new WebClient('${s}');`);
plant('Slack webhook', `https://hooks.slack.com/services/T${fake(8, UPPER_DIGITS)}/B${fake(8, UPPER_DIGITS)}/${fake(24)}`, (s) => `SLACK_URL: ${s}`);
plant('Discord webhook', `https://discord.com/api/webhooks/${fake(18, '0123456789')}/${fake(68)}`, (s) => `await fetch("${s}", opts)`);
plant('Stripe live secret key', 'sk_' + 'live_' + fake(24), (s) => `stripe.api_key = "${s}"`);
plant('Stripe restricted key', 'rk_' + 'test_' + fake(24), (s) => `const stripe = new Stripe(${JSON.stringify(s)});`);
plant('OpenAI project key', 'sk-proj-' + fake(48) + '_' + fake(20), (s) => `client = OpenAI(api_key="${s}")`);
plant('OpenAI legacy key', 'sk-' + fake(48), (s) => `openai.api_key = '${s}'`);
plant('Anthropic key', 'sk-ant-api03-' + fake(93), (s) => `anthropic = Anthropic(api_key="${s}")`);
plant('Google API key', 'AIza' + fake(35), (s) => `<script src="https://maps.googleapis.com/maps/api/js?key=${s}"></script>`);
plant('Google OAuth client secret', 'GOCSPX-' + fake(28), (s) => `"client_secret":"${s}"`);
plant('SendGrid key', 'SG.' + fake(22) + '.' + fake(43), (s) => `sgMail.setApiKey('${s}');`);
plant('npm token', 'npm_' + fake(36), (s) => `//registry.npmjs.org/:_authToken=${s}`);
plant('PyPI token', 'pypi-AgEIcHlwaS5vcmc' + fake(70), (s) => `[pypi]\n  username = __token__\n  password = ${s}`);
plant('Hugging Face token', 'hf_' + fake(34), (s) => `huggingface-cli login --token ${s}`);
plant('Twilio API key', 'SK' + fake(32, HEX), (s) => `const twilioKey = ${JSON.stringify(s)};`);
plant('Mailgun key', 'key-' + fake(32, HEX), (s) => `MAILGUN_KEY: "${s}"`);
plant('Shopify token', 'shpat_' + fake(32, HEX), (s) => `X-Shopify-Access-Token: ${s}`);
plant('DigitalOcean token', 'dop_v1_' + fake(64, HEX), (s) => `doctl auth init -t ${s}`);
plant('Databricks token', 'dapi' + fake(32, HEX), (s) => `host = "https://adb.azuredatabricks.net"\nvalue = "${s}"`);
plant('Telegram bot token', fake(10, '0123456789') + ':AA' + fake(33), (s) => `bot = Bot("${s}")`);
plant('Azure storage account key', fake(86, B64) + '==', (s) => `DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${s};EndpointSuffix=core.windows.net`);
plant('JWT in a header', jwt, (s) => `headers: { Authorization: \`Bearer ${s}\` }`);
plant('bearer token in curl', fake(40) + '9', (s) => `curl -H "Authorization: Bearer ${s}" https://api.example.com/v1/me`);
plant('basic auth header', Buffer.from('admin:' + fake(12)).toString('base64'), (s) => `Authorization: Basic ${s}`);
plant('RSA private key', pemBody, (s) => `-----BEGIN RSA PRIVATE KEY-----\n${s}\n-----END RSA PRIVATE KEY-----`);
plant('OpenSSH private key', pemBody, (s) => `-----BEGIN OPENSSH PRIVATE KEY-----\n${s}\n-----END OPENSSH PRIVATE KEY-----`);
plant('private key in service-account JSON', fake(64, B64), (s) => `{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\n${s}\\n-----END PRIVATE KEY-----\\n"}`);
plant('truncated private key', fake(64, B64), (s) => `-----BEGIN EC PRIVATE KEY-----\n${s}\n${fake(30, B64)}`);
plant('password in a database URL', fake(16), (s) => `DATABASE_URL=postgres://app:${s}@db.internal:5432/app`);
plant('password in a Redis URL', fake(20), (s) => `const redis = new Redis("redis://default:${s}@cache:6379/0");`);
plant('.env password', fake(14), (s) => `DB_PASSWORD=${s}`);
plant('.env secret key', fake(50), (s) => `export SECRET_KEY='${s}'`);
plant('.env client secret', fake(32), (s) => `OAUTH_CLIENT_SECRET="${s}"`);
plant('JSON password', fake(18), (s) => `{ "user": "deploy", "password": "${s}" }`);
plant('YAML password', fake(12) + '9', (s) => `database:\n  host: db\n  password: ${s}`);
plant('code API key literal', fake(32), (s) => `const apiKey = "${s}";`);
plant('ADO.NET connection string', fake(12) + '!', (s) => `Server=sql01;Database=shop;User Id=sa;Password=${s};`);
plant('CLI password flag', fake(12), (s) => `pg_dump --password=${s} shop > shop.sql`);

const ordinaryCode = [
  `export function tokenize(source: string): Token[] {\n  const tokens: Token[] = [];\n  for (const match of source.matchAll(/\\w+/g)) tokens.push({ text: match[0], at: match.index! });\n  return tokens;\n}`,
  `interface Credentials {\n  username: string;\n  password: string;\n  apiKey?: string;\n  token: string | null\n}`,
  `const password = await prompt('Password: ', { mask: '*' });\nif (!password) throw new Error('A password is required');`,
  `const apiKey = process.env.OPENAI_API_KEY;\nif (!apiKey) throw new Error('Set OPENAI_API_KEY');`,
  `token = os.environ["GITHUB_TOKEN"]\nheaders = {"Authorization": f"Bearer {token}"}`,
  `const headers = { Authorization: \`Bearer \${session.accessToken}\` };`,
  `# Bearer authentication sends the token in the Authorization header.`,
  `MAX_TOKENS=4096\nTOKEN_LIMIT=8000\nPASSWORD_MIN_LENGTH=12\nLOG_LEVEL=debug`,
  `GITHUB_TOKEN=\${{ secrets.GITHUB_TOKEN }}\nNPM_TOKEN=$NPM_TOKEN`,
  `commit 3f9a1c2b7d4e5f60718293a4b5c6d7e8f9012345\nAuthor: Dev <dev@example.com>\n\n    Fix clamp bounds`,
  `const sha = '9b2f6a4c1e8d7f3a0b5c6d2e9f1a4b7c8d3e6f0a1b2c3d4e5f6a7b8c9d0e1f2a';`,
  `const id = '123e4567-e89b-12d3-a456-426614174000';`,
  `git remote add origin git@github.com:acme/web.git\ngit push https://github.com/acme/web.git main`,
  `const url = 'https://api.example.com:8443/v1/users?page=2';`,
  `<input type="password" name="password" autocomplete="current-password" />`,
  `def check_password(user, password):\n    return bcrypt.checkpw(password.encode(), user.password_hash)`,
  `private readonly secretName = 'prod/db';\nconst tokenizer = "cl100k_base";`,
  `const sk = createSpinner('sk-spinner-circle-bounce-delay');`,
  `- name: Publish\n  run: npm publish\n  env:\n    NODE_AUTH_TOKEN: \${{ secrets.NPM_TOKEN }}`,
  `password: z.string().min(8, 'Password must have at least 8 characters'),`,
  `import { createHash } from 'node:crypto';\nconst digest = createHash('sha256').update(data).digest('base64');`,
  `const img = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';`,
  `if (token.kind === TokenKind.Identifier && token.text === 'secret') return parseSecretBlock(token);`,
  `await page.fill('#password', testUser.password);`,
];

describe('redactText', () => {
  it(`has a corpus of at least 30 secret shapes`, () => {
    assert.ok(planted.length >= 30, `only ${planted.length} shapes`);
  });

  for (const [shape, secret, text] of planted) {
    it(`removes a ${shape}`, () => {
      const result = redactText(text);
      assert.ok(!result.text.includes(secret), `${shape} leaked: ${result.text}`);
      assert.ok(result.count >= 1);
      assert.match(result.text, /\[REDACTED:[a-z-]+\]/);
    });
  }

  it('keeps the words around a secret', () => {
    const result = redactText(`DATABASE_URL=postgres://app:${fake(16)}@db.internal:5432/app`);
    assert.equal(result.text, 'DATABASE_URL=postgres://app:[REDACTED:url-password]@db.internal:5432/app');
    assert.equal(redactText(`DB_PASSWORD=${fake(14)}`).text, 'DB_PASSWORD=[REDACTED:secret-assignment]');
  });

  for (const [i, code] of ordinaryCode.entries()) {
    it(`leaves ordinary code alone (#${i + 1}: ${code.split('\n')[0]!.slice(0, 50)})`, () => {
      const result = redactText(code);
      assert.equal(result.text, code);
      assert.equal(result.count, 0);
    });
  }
});

describe('Redactor', () => {
  it('redacts strings at any depth of a record, keeps everything else, and counts', async () => {
    const key = 'ghp_' + fake(36);
    const redactor = new Redactor();
    const record = { messages: [{ role: 'tool', content: `token ${key}` }, { role: 'assistant', tool_calls: [{ function: { arguments: { command: `echo ${key}` } } }] }], label: true, n: 3 };
    const out = await redactor.deep(record);
    assert.ok(!JSON.stringify(out).includes(key));
    assert.equal(redactor.count, 2);
    assert.equal(out.label, true);
    assert.equal(out.n, 3);
    assert.ok(JSON.stringify(record).includes(key), 'the input is not modified');
  });
});

// Redaction by class: secrets of each class the security review found leaking, in syntaxes of our own
// making (not the review's held-out samples), each planted in the text around it. A secret passes
// when no character run of it survives, and the words around it do.
// Secrets are built at run time with every character class in them, so nothing depends on chance.
import assert from 'node:assert/strict';
import { Redactor, redactText } from '../../../daemon/src/store/export/redact.js';

let seed = 11;
function random(length: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; // 32-bit, so no precision is lost
    out += alphabet[(seed >>> 16) % alphabet.length];
  }
  return out;
}
/** A password-like secret: letters of both cases and digits, whatever the generator gave. */
const secret = (length = 14) => `${random(length - 3)}Q7z`;
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** [class, syntax, secret, text around it]. */
const cases: [string, string, string, string][] = [];
const plant = (klass: string, syntax: string, value: string, around: (s: string) => string) => cases.push([klass, syntax, value, around(value)]);

// Secret-named keys in any assignment syntax.
plant('assignment', 'env line', secret(), (s) => `SMTP_PASS=${s}\nSMTP_HOST=mail.internal`);
plant('assignment', 'export with quotes', secret(30), (s) => `export STRIPE_WEBHOOK_SECRET="${s}"`);
plant('assignment', 'code property', secret(), (s) => `db.password = "${s}";`);
plant('assignment', 'JSON', secret(24), (s) => `{"region": "eu-west-1", "signingKey": "${s}"}`);
plant('assignment', 'escaped JSON in a log', secret(24), (s) => `body={\\"clientSecret\\":\\"${s}\\",\\"scope\\":\\"read\\"}`);
plant('assignment', 'YAML', secret(), (s) => `auth:\n  jwt_secret: ${s}\n  ttl: 3600`);
plant('assignment', 'Go :=', secret(), (s) => `masterKeyValue := '${s}'`);
plant('assignment', 'Ruby hash', secret(), (s) => `client = Api.new(:api_token => "${s}")`);
plant('assignment', 'XML element', secret(), (s) => `<datasource><adminPassword>${s}</adminPassword></datasource>`);
plant('assignment', 'PowerShell env', secret(), (s) => `$env:SERVICE_ACCOUNT_TOKEN = "${s}"`);
plant('assignment', 'Python environ', secret(), (s) => `os.environ["REDIS_PASSWORD"] = "${s}"`);
plant('assignment', 'URL query', secret(32), (s) => `GET /v2/items?access_token=${s}&page=2 HTTP/1.1`);
plant('assignment', 'INI with a trailing qualifier', secret(), (s) => `[crypto]\nencryption_key_b64 = ${s}`);
plant('assignment', 'passphrase with spaces', 'orbit lantern 42 velvet', (s) => `ssh_key_passphrase = ${s}`);
plant('assignment', 'password holding @ and !', `p@ss!${secret(10)}`, (s) => `MAIL_PASSWD=${s}`);
plant('assignment', 'session cookie', secret(32), (s) => `session_cookie: "${s}"`);
// URL userinfo.
plant('url', 'empty user', secret(), (s) => `BROKER=amqp://:${s}@rabbit.internal:5672/`);
plant('url', 'password with @', `Zq@${secret(10)}`, (s) => `mongodb+srv://svc:${s}@cluster0.example.net/app?retryWrites=true`);
plant('url', 'in prose', secret(), (s) => `upload it to ftp://deploy:${s}@files.example.org and tell me`);
// Auth headers.
plant('header', 'Authorization Token', secret(40), (s) => `Authorization: Token ${s}`);
plant('header', 'Authorization ApiKey in curl', secret(32), (s) => `curl -H 'Authorization: ApiKey ${s}' https://api.example.com`);
plant('header', 'Proxy-Authorization', Buffer.from(`ops:${secret(10)}`).toString('base64'), (s) => `Proxy-Authorization: Basic ${s}`);
plant('header', 'X-Auth-Token', secret(32), (s) => `X-Auth-Token: ${s}`);
plant('header', 'x-goog-api-key in JSON', secret(39), (s) => `{"x-goog-api-key": "${s}"}`);
plant('header', 'Private-Token in a dict', secret(20), (s) => `headers = {"Private-Token": "${s}"}`);
// CLI password flags.
plant('cli', 'mysqldump -p attached', secret(), (s) => `mysqldump -u root -p${s} shop > shop.sql`);
plant('cli', 'sshpass quoted', secret(), (s) => `sshpass -p '${s}' ssh deploy@web1`);
plant('cli', 'redis-cli -a', secret(), (s) => `redis-cli -h cache -a ${s} PING`);
plant('cli', 'curl -u', secret(), (s) => `curl -u admin:${s} https://jenkins.internal/api/json`);
plant('cli', 'docker login -p', secret(), (s) => `docker login -u bot -p ${s} registry.example.com`);
plant('cli', '--auth-token=', secret(30), (s) => `npx publish-tool --auth-token=${s} --dry-run`);
plant('cli', '--client-secret quoted', secret(), (s) => `az login --service-principal --client-secret "${s}" --tenant t1`);
// npm and Docker config.
plant('npmrc', 'scoped _authToken', secret(36), (s) => `@acme:registry=https://npm.pkg.github.com/\n//npm.pkg.github.com/:_authToken=${s}`);
plant('npmrc', '_auth line', Buffer.from(`ci:${secret(12)}`).toString('base64'), (s) => `_auth = ${s}\nalways-auth = true`);
plant('docker', 'config.json auth', Buffer.from(`robot:${secret(16)}`).toString('base64'), (s) => `{"auths":{"ghcr.io":{"auth":"${s}"}}}`);
// Random-looking tokens next to a secret-ish word.
plant('near-word', 'prose', secret(18), (s) => `fyi the staging password is ${s} until friday`);
plant('near-word', 'api key after a colon', secret(32), (s) => `new api key: ${s} (rotate monthly)`);
plant('near-word', 'hex token', random(40, '0123456789abcdef') + 'a1', (s) => `use token ${s} for the bot`);
plant('near-word', 'credentials in a sentence', secret(20), (s) => `my credentials are alice / ${s}`);
plant('aws', 'bare secret access key', `${random(36, B64)}aZ9/`, (s) => `user,created,key\nci-bot,2026-01-01,${s}`);

describe('redaction by class (shapes of our own making)', () => {
  for (const [klass, syntax, value, text] of cases) {
    it(`${klass}: ${syntax}`, async () => {
      const out = await new Redactor().text(text);
      // No run of 6 characters of the secret survives (a partly kept password is a leak too).
      for (let i = 0; i + 6 <= value.length; i++) {
        const piece = value.slice(i, i + 6);
        if (/\s/.test(piece)) continue;
        assert.ok(!out.includes(piece), `"${piece}" of the secret survived: ${out}`);
      }
      assert.match(out, /\[REDACTED:[a-z0-9-]+\]/);
      const words = text.split(value).join(' ').match(/[A-Za-z]{4,}/g) ?? [];
      const kept = words.filter((w) => out.includes(w)).length;
      assert.ok(kept >= words.length * 0.6, `too much of the context went: ${out}`);
    });
  }

  it('covers every class with several syntaxes', () => {
    const perClass = new Map<string, number>();
    for (const [klass] of cases) perClass.set(klass, (perClass.get(klass) ?? 0) + 1);
    for (const klass of ['assignment', 'url', 'header', 'cli']) assert.ok(perClass.get(klass)! >= 3, klass);
  });

  it('counts each redaction under the rule that made it', async () => {
    const redactor = new Redactor();
    await redactor.text(`DB_PASSWORD=${secret()}\nredis://:${secret()}@cache:6379`);
    await redactor.text(`token ghp_${random(36)}`);
    assert.equal(redactor.byRule['secret-assignment'], 1);
    assert.equal(redactor.byRule['url-password'], 1);
    assert.equal(redactor.byRule['github-token'], 1);
    assert.equal(redactor.count, 3);
  });

  it('hands what our rules do not know to secretlint, and a secretlint-disable comment does not hide it', async () => {
    const linearKey = `lin_api_${secret(40)}`; // a provider format only secretlint's preset knows
    for (const text of [`const linear = new LinearClient("${linearKey}");`, `// secretlint-disable\nnew LinearClient("${linearKey}");`]) {
      assert.equal(redactText(text).count, 0, 'not one of our rules');
      const redactor = new Redactor();
      const out = await redactor.text(text);
      assert.ok(!out.includes(linearKey.slice(8, 20)), out);
      assert.equal(redactor.byRule['secretlint-linear'], 1, JSON.stringify(redactor.byRule));
    }
  });

  it('leaves the code that names secrets without holding one', () => {
    const code = [
      `type RequestCredentials = 'omit' | 'include' | 'same-origin';`,
      `export const EVENT_TEST_PASS = "pass";`,
      `  password: BinaryLike,\n  session: Http2Session | undefined;`,
      `const secretRef = { secretName: 'prod/db', tokenType: 'Bearer', passwordField: 'password' };`,
      `headers: { 'Authorization': 'Bearer ' + accessToken }`,
      `db.password = config.get('db.password');`,
      `this.token = new CancellationToken(source);`,
      `PASSWORD_MIN_LENGTH=12\nAUTH_ENABLED=true\nSESSION_TTL=3600`,
      `mysql -u root -p shop < dump.sql`,
      `docker login --password-stdin ghcr.io`,
      `curl -u "$USER:$TOKEN" https://api.example.com`,
      `// secretlint-disable-next-line\nconst pwd = process.cwd();`,
    ];
    for (const text of code) assert.equal(redactText(text).text, text);
  });
});

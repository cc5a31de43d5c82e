import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { checkUpgrade } from '../../../daemon/src/server/upgrade-check.js';

const token = 'c'.repeat(64);
const request = (headers: Record<string, string>) => ({ headers: { host: '127.0.0.1:5000', ...headers } }) as unknown as IncomingMessage;

describe('upgrade check', () => {
  it('accepts the token as a bearer header or a subprotocol', () => {
    assert.deepEqual(checkUpgrade(request({ authorization: `Bearer ${token}` }), token, 5000), { ok: true });
    assert.deepEqual(checkUpgrade(request({ 'sec-websocket-protocol': `tandem.v1, tandem.token.${token}` }), token, 5000), { ok: true });
  });

  it('refuses a missing, wrong or shorter token with 401', () => {
    for (const headers of [{} as Record<string, string>, { authorization: `Bearer ${'d'.repeat(64)}` }, { authorization: `Bearer ${token.slice(1)}` }]) {
      const verdict = checkUpgrade(request(headers), token, 5000);
      assert.ok(!verdict.ok && verdict.status === 401);
    }
  });

  it('refuses any Origin and any non-loopback Host with 403', () => {
    for (const headers of <Record<string, string>[]>[{ origin: 'vscode-webview://abc' }, { origin: 'null' }, { host: 'evil.example:5000' }, { host: '127.0.0.1:5001' }]) {
      const verdict = checkUpgrade(request({ authorization: `Bearer ${token}`, ...headers }), token, 5000);
      assert.ok(!verdict.ok && verdict.status === 403, JSON.stringify(headers));
    }
  });
});

// Who may open a connection: the checks run on the HTTP upgrade, before any JSON-RPC is read.
//
// The token is presented either as `Authorization: Bearer <token>` (Node clients: the CLI and the
// extension host) or as a WebSocket subprotocol `tandem.token.<token>` next to `tandem.v1` (for
// clients that cannot set headers). Any Origin header is refused: every legitimate client is a Node
// process, which sends none, while a browser always does, so a web page (or a webview, which reaches
// the daemon only through the extension) can never drive the agent even if it learned the port.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const PROTOCOL_NAME = 'tandem.v1';
export const TOKEN_PROTOCOL_PREFIX = 'tandem.token.';

export type UpgradeVerdict = { ok: true } | { ok: false; status: 401 | 403; reason: string };

export function checkUpgrade(request: IncomingMessage, token: string, port: number): UpgradeVerdict {
  if (request.headers.origin !== undefined) {
    return { ok: false, status: 403, reason: `Origin ${request.headers.origin} may not connect to the Tandem daemon.` };
  }
  // A Host other than loopback means a DNS-rebound name pointing at us.
  const host = request.headers.host ?? '';
  if (![`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host)) {
    return { ok: false, status: 403, reason: `Host ${host || '(none)'} is not the daemon's loopback address.` };
  }
  const presented = presentedToken(request);
  if (presented === null) return { ok: false, status: 401, reason: 'No token: read it from the daemon discovery file.' };
  if (!sameToken(presented, token)) return { ok: false, status: 401, reason: 'Wrong token: the daemon may have restarted; read the discovery file again.' };
  return { ok: true };
}

function presentedToken(request: IncomingMessage): string | null {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (bearer) return bearer[1]!;
  const protocols = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const carrier = protocols.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX));
  return carrier ? carrier.slice(TOKEN_PROTOCOL_PREFIX.length) : null;
}

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

// An HTTP server on 127.0.0.1 that serves files the way Hugging Face's CDN does: byte ranges, and a
// test-controlled way to cut a response mid-way. Every request is recorded so tests can see how a file was fetched.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServedRequest {
  path: string;
  range: string | null;
  start: number;
  end: number; // inclusive
  /** Set when the server cut this response after that many body bytes. */
  cutAfter: number | null;
}

/** Decides, per request, whether to cut its body after some bytes (null: serve it whole). */
export type CutRule = (request: ServedRequest) => number | null;

export interface ModelFileServer {
  url(path: string): string;
  readonly origin: string;
  readonly requests: ServedRequest[];
  cut: CutRule;
  close(): Promise<void>;
}

export async function startModelFileServer(files: Record<string, Buffer>): Promise<ModelFileServer> {
  const requests: ServedRequest[] = [];
  const state: { cut: CutRule } = { cut: () => null };
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const data = files[path];
    if (!data) {
      res.writeHead(404).end('not found');
      return;
    }
    const range = req.headers.range ?? null;
    const match = range ? /^bytes=(\d+)-(\d*)$/.exec(range) : null;
    const start = match ? Number(match[1]) : 0;
    const end = match?.[2] ? Math.min(Number(match[2]), data.length - 1) : data.length - 1;
    if (start > end) {
      res.writeHead(416, { 'content-range': `bytes */${data.length}` }).end();
      return;
    }
    const request: ServedRequest = { path, range, start, end, cutAfter: null };
    requests.push(request);
    const body = data.subarray(start, end + 1);
    res.writeHead(match ? 206 : 200, {
      'accept-ranges': 'bytes',
      'content-type': 'application/octet-stream',
      'content-length': body.length,
      ...(match ? { 'content-range': `bytes ${start}-${end}/${data.length}` } : {}),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const cutAfter = state.cut(request);
    if (cutAfter === null || cutAfter >= body.length) {
      res.end(body);
      return;
    }
    request.cutAfter = cutAfter;
    // Send part of the body, then drop the connection the way a flaky network does.
    res.write(body.subarray(0, cutAfter), () => res.socket?.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (path) => origin + path,
    requests,
    get cut() {
      return state.cut;
    },
    set cut(rule: CutRule) {
      state.cut = rule;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// `models pull` against a real HTTP server on 127.0.0.1, through node-llama-cpp's real downloader.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listLocalModels } from '../../daemon/src/runtime/local-models.js';
import type { ModelCatalog } from '../../daemon/src/runtime/model-catalog.js';
import { pullModel } from '../../daemon/src/runtime/model-pull.js';
import { resolvePullSource, type PullSource } from '../../daemon/src/runtime/model-source.js';
import { makeFakeGguf, sha256Of } from './helpers/fake-gguf.js';
import { startModelFileServer, type ModelFileServer } from './helpers/model-file-server.js';

const CHUNK = 5 * 1024 * 1024; // ipull saves progress per 5 MiB chunk; the file spans three of them
const model = makeFakeGguf(2 * CHUNK + 2 * 1024 * 1024 + 123, 'models-pull');
const modelSha = sha256Of(model);

describe('models pull (127.0.0.1 server, node-llama-cpp downloader)', () => {
  let server: ModelFileServer;
  let modelsDir: string;

  before(async () => {
    server = await startModelFileServer({
      '/files/tiny-coder.gguf': model,
      '/tandem/tiny-coder-GGUF/resolve/main/tiny-coder.gguf': model,
    });
  });
  after(() => server.close());
  beforeEach(() => {
    modelsDir = mkdtempSync(join(tmpdir(), 'tandem-pull-'));
    server.requests.length = 0;
    server.cut = () => null;
  });
  afterEach(() => rmSync(modelsDir, { recursive: true, force: true }));

  function source(arg: string, options: { sha256?: string; catalog?: ModelCatalog } = {}): PullSource {
    const resolved = resolvePullSource(arg, { catalog: options.catalog ?? { defaultName: 'x', models: [] }, ...(options.sha256 ? { sha256: options.sha256 } : {}) });
    assert.ok(resolved.ok, resolved.ok ? '' : resolved.message);
    return resolved.source;
  }

  it('downloads a catalog model by name through its hf: URI, verifies it, and lists it', async () => {
    const catalog: ModelCatalog = {
      defaultName: 'tiny-coder',
      models: [{ name: 'tiny-coder', description: 'test', uri: 'hf:tandem/tiny-coder-GGUF/tiny-coder.gguf', fileName: 'tiny-coder.gguf', sizeBytes: model.length, sha256: modelSha }],
    };
    const progress: number[] = [];
    const outcome = await pullModel(source('tiny-coder', { catalog }), {
      modelsDir,
      huggingFaceEndpoint: server.origin + '/',
      onProgress: (event) => { if (event.title.startsWith('Downloading')) progress.push(event.done); },
    });

    assert.ok(outcome.ok, outcome.ok ? '' : outcome.message);
    assert.equal(outcome.verified, true);
    assert.equal(outcome.resumedFromBytes, 0);
    assert.equal(outcome.model.path, join(modelsDir, 'tiny-coder.gguf'));
    assert.equal(outcome.model.sha256, modelSha);
    assert.ok(readFileSync(outcome.model.path).equals(model), 'downloaded bytes differ from the served file');
    assert.ok(server.requests.every((r) => r.path === '/tandem/tiny-coder-GGUF/resolve/main/tiny-coder.gguf'));
    assert.equal(progress.at(-1), model.length, 'the last progress event reports the whole file');
    assert.ok(!existsSync(join(modelsDir, '.downloads')), 'the staging folder is cleaned up');

    const listed = await listLocalModels(modelsDir);
    assert.deepEqual(listed.map((m) => [m.name, m.sha256, m.sizeBytes]), [['tiny-coder', modelSha, model.length]]);

    // A second pull finds the verified file and downloads nothing.
    const requestsBefore = server.requests.length;
    const again = await pullModel(source('tiny-coder', { catalog }), { modelsDir, huggingFaceEndpoint: server.origin + '/' });
    assert.ok(again.ok && again.alreadyPresent);
    assert.equal(server.requests.length, requestsBefore);
  });

  it('resumes with a Range request when the server cuts the connection mid-way', async () => {
    const cutAt = CHUNK + 2 * 1024 * 1024 + 7; // inside the second chunk
    let cuts = 0;
    server.cut = (r) => (cuts === 0 && r.range && r.start <= cutAt && r.end >= cutAt ? (cuts++, cutAt - r.start) : null);

    const outcome = await pullModel(source(server.url('/files/tiny-coder.gguf'), { sha256: modelSha }), { modelsDir });

    assert.ok(outcome.ok, outcome.ok ? '' : outcome.message);
    assert.equal(cuts, 1, 'the server cut one response');
    const cutIndex = server.requests.findIndex((r) => r.cutAfter !== null);
    const retries = server.requests.slice(cutIndex + 1).filter((r) => r.start <= cutAt && r.end >= cutAt);
    assert.ok(retries.length > 0, 'the cut bytes were requested again');
    assert.ok(retries.every((r) => r.range !== null && r.start > 0), `the retry asked for a range, not the whole file: ${JSON.stringify(retries)}`);
    assert.ok(readFileSync(outcome.model.path).equals(model));
  });

  it('resumes an interrupted pull in a later run from the bytes already on disk', async () => {
    // Run 1: the first chunk arrives whole, every other response is cut, and the user gives up (Ctrl-C).
    server.cut = (r) => (r.start === 0 ? null : 64 * 1024);
    const controller = new AbortController();
    const partial = join(modelsDir, '.downloads', 'tiny-coder.gguf.ipull');
    const first = pullModel(source(server.url('/files/tiny-coder.gguf'), { sha256: modelSha }), { modelsDir, signal: controller.signal });
    // ipull appends its progress record past the file's end once a chunk is saved.
    await waitFor(() => existsSync(partial) && statSync(partial).size > model.length, 'the first chunk to be saved');
    server.cut = () => null;
    controller.abort();
    const interrupted = await first;
    assert.ok(!interrupted.ok && interrupted.reason === 'cancelled', JSON.stringify(interrupted));
    assert.match(interrupted.message, /run the same command again to resume/);
    assert.ok(existsSync(partial), 'the partial download is kept for the next run');
    assert.ok(!existsSync(join(modelsDir, 'tiny-coder.gguf')), 'nothing unverified reaches the models dir');

    // Run 2: a fresh pull picks up the partial file and fetches only what is missing.
    const firstRunRequests = server.requests.length;
    const resumed = await pullModel(source(server.url('/files/tiny-coder.gguf'), { sha256: modelSha }), { modelsDir });
    assert.ok(resumed.ok, resumed.ok ? '' : resumed.message);
    assert.ok(resumed.resumedFromBytes >= CHUNK, `resumed from ${resumed.ok && resumed.resumedFromBytes} bytes`);
    const secondRun = server.requests.slice(firstRunRequests).filter((r) => r.range !== null);
    assert.ok(secondRun.length > 0);
    assert.ok(secondRun.every((r) => r.start >= CHUNK), `run 2 re-fetched saved bytes: ${JSON.stringify(secondRun)}`);
    assert.ok(readFileSync(resumed.model.path).equals(model));
    assert.ok(!existsSync(partial));
  });

  it('refuses a download whose checksum does not match and leaves no file behind', async () => {
    const wrong = sha256Of(Buffer.from('some other model'));
    const outcome = await pullModel(source(server.url('/files/tiny-coder.gguf'), { sha256: wrong }), { modelsDir });

    assert.ok(!outcome.ok);
    assert.equal(outcome.reason, 'checksum');
    assert.match(outcome.message, new RegExp(`checksum mismatch for tiny-coder\\.gguf: expected sha256 ${wrong}, got ${modelSha}`));
    assert.match(outcome.message, /nothing was kept/);
    assert.deepEqual(readdirSync(modelsDir, { recursive: true }), [], 'no partial or complete file is left');
  });
});

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`gave up waiting for ${what}`);
}

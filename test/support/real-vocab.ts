// Real tokenizers for tests: llama.cpp's vocabulary-only GGUFs (models/ggml-vocab-*.gguf), taken at
// test time from the llama.cpp source node-llama-cpp ships as a git bundle, and fixture models written
// around them. Both are cached outside the repository, keyed by the bundle's commit, so they are made
// once per machine and never checked in.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { writeFixtureModel, type FixtureArch, type FixtureFiles } from '../../daemon/src/runtime/fixture-model.js';
import type { FixturePreset } from '../../daemon/src/runtime/fixture-presets.js';
import { readFixtureTokenizer } from '../../daemon/src/runtime/fixture-tokenizer.js';

const run = promisify(execFile);

/** The vocabularies tests use: Qwen2/Qwen2.5's byte-level BPE (151,936 tokens, ChatML template) and Llama 3's. */
export type RealVocab = 'qwen2' | 'llama-bpe';

function bundlePath(): string {
  // The package exports no package.json: its entry is dist/index.js, two folders below the root.
  const entry = createRequire(import.meta.url).resolve('node-llama-cpp');
  return join(dirname(dirname(entry)), 'llama', 'gitRelease.bundle');
}

function cacheRoot(): string {
  return process.env.TANDEM_TEST_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tandem-test');
}

let head: Promise<string> | undefined;
/** The bundle's commit: a new node-llama-cpp (a new llama.cpp) gets fresh files. */
function bundleHead(): Promise<string> {
  head ??= run('git', ['bundle', 'list-heads', bundlePath()]).then(({ stdout }) => {
    const commit = stdout.trim().split(/\s+/)[0];
    if (!commit || !/^[0-9a-f]{40}$/.test(commit)) throw new Error(`Could not read the commit of ${bundlePath()}: ${stdout}`);
    return commit;
  });
  return head;
}

/** The path of llama.cpp's `ggml-vocab-<name>.gguf`, extracted from the bundle on first use. */
export async function realVocabFile(name: RealVocab): Promise<string> {
  const commit = await bundleHead();
  const path = join(cacheRoot(), 'vocab', commit.slice(0, 12), `ggml-vocab-${name}.gguf`);
  if (existsSync(path)) return path;
  await mkdir(dirname(path), { recursive: true });
  const scratch = await mkdtemp(`${path}.`);
  try {
    await run('git', ['init', '--quiet', '--bare', scratch]);
    await run('git', ['--git-dir', scratch, 'fetch', '--quiet', bundlePath(), commit]);
    const { stdout } = await run('git', ['--git-dir', scratch, 'cat-file', 'blob', `${commit}:models/ggml-vocab-${name}.gguf`], { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 });
    const partial = join(scratch, 'vocab.gguf');
    await writeFile(partial, stdout);
    await rename(partial, path); // whole or not at all, even with several test processes at once
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return path;
}

/** A fixture model (and its adapters) around a real vocabulary, written once per machine and reused. */
export async function realVocabFixture(name: RealVocab, options: { arch?: FixtureArch; preset?: FixturePreset; seed?: number } = {}): Promise<FixtureFiles> {
  const arch = options.arch ?? (name === 'qwen2' ? 'qwen2' : 'llama');
  const preset = options.preset ?? 'tiny';
  const seed = options.seed ?? 5;
  const vocab = await realVocabFile(name);
  const dir = join(dirname(vocab), 'fixtures', `${arch}-${name}-${preset}-seed${seed}-3roles`);
  const done = join(dir, 'files.json');
  if (existsSync(done)) return JSON.parse(await readFile(done, 'utf8')) as FixtureFiles;
  await mkdir(dirname(dir), { recursive: true });
  const scratch = await mkdtemp(`${dir}.`);
  try {
    const written = await writeFixtureModel(scratch, { preset, seed, arch, tokenizer: await readFixtureTokenizer(vocab) });
    const relocate = (path: string): string => join(dir, path.slice(scratch.length + 1));
    const files: FixtureFiles = { modelPath: relocate(written.modelPath), adapters: {
      orchestrator: relocate(written.adapters.orchestrator), worker: relocate(written.adapters.worker), critic: relocate(written.adapters.critic),
    } };
    await writeFile(join(scratch, 'files.json'), JSON.stringify(files));
    await rename(scratch, dir).catch(async (error: NodeJS.ErrnoException) => {
      if (!existsSync(done)) throw error; // another process finished first: use its files
    });
    return files;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

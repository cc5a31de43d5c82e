// What `tandem models pull <name|hf:…|https://…>` should fetch: the URI, the local file name, the expected checksum.
import { findCatalogModel, isSafeModelFileName, type ModelCatalog } from './model-catalog.js';
import { SHA256_PATTERN } from './sha256-file.js';

export interface PullSource {
  /** Handed to node-llama-cpp's downloader. */
  uri: string;
  /** The name in the models dir; null for `hf:user/repo:quant`, which only the Hugging Face manifest can name. */
  fileName: string | null;
  /** The catalog name, or the file name without `.gguf`. */
  name: string;
  sha256: string | null;
  sizeBytes: number | null;
}

export type PullSourceOutcome = { ok: true; source: PullSource } | { ok: false; message: string };

export interface PullSourceOptions {
  catalog: ModelCatalog;
  /** --sha256: the expected checksum, for URIs the catalog does not know. */
  sha256?: string;
  /** --file: the local file name, when the URL does not end in one. */
  fileName?: string;
}

const SPLIT_PART = /-\d{5}-of-\d{5}\.gguf$/;

export function resolvePullSource(arg: string, options: PullSourceOptions): PullSourceOutcome {
  const sha256 = options.sha256?.toLowerCase();
  if (sha256 !== undefined && !SHA256_PATTERN.test(sha256)) return fail(`--sha256 must be 64 hex digits, got "${options.sha256}"`);
  if (options.fileName !== undefined && !isSafeModelFileName(options.fileName)) {
    return fail(`--file must be a plain file name ending in .gguf, got "${options.fileName}"`);
  }

  const entry = findCatalogModel(options.catalog, arg);
  if (entry) {
    if (sha256 && entry.sha256 && sha256 !== entry.sha256) return fail(`--sha256 differs from the catalog's checksum for ${entry.name}`);
    const fileName = options.fileName ?? entry.fileName;
    return ok({ uri: entry.uri, fileName, name: entry.name, sha256: entry.sha256 ?? sha256 ?? null, sizeBytes: entry.sizeBytes });
  }

  if (arg.startsWith('hf:')) {
    const path = arg.slice(3).replace(/^\/\//, '').split('#')[0]!;
    const parts = path.split('/');
    if (parts.length < 2 || parts.some((p) => p === '')) return fail(`"${arg}" is not an hf: URI; use hf:user/repo/file.gguf or hf:user/repo:quant`);
    const last = parts.at(-1)!;
    const fileName = options.fileName ?? (parts.length >= 3 ? last : null);
    if (fileName !== null && !isSafeModelFileName(fileName)) return fail(`"${arg}" does not name a .gguf file`);
    return checked({ uri: arg, fileName, name: nameOf(fileName ?? last), sha256: sha256 ?? null, sizeBytes: null });
  }

  let url: URL;
  try {
    url = new URL(arg);
  } catch {
    const known = options.catalog.models.map((m) => m.name).join(', ');
    return fail(`"${arg}" is not a catalog model (${known}), an hf: URI or an https:// URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return fail(`cannot download from ${url.protocol} URLs; use https://`);
  // Plain http can be tampered with on the way; allow it only on this machine or when a checksum proves the bytes.
  if (url.protocol === 'http:' && !isLoopback(url.hostname) && !sha256) {
    return fail(`refusing an unencrypted http:// download without a checksum; use https:// or pass --sha256`);
  }
  const fileName = options.fileName ?? decodeURIComponent(url.pathname.split('/').at(-1) ?? '');
  if (!isSafeModelFileName(fileName)) return fail(`cannot tell a .gguf file name from ${arg}; pass --file NAME.gguf`);
  return checked({ uri: arg, fileName, name: nameOf(fileName), sha256: sha256 ?? null, sizeBytes: null });
}

function checked(source: PullSource): PullSourceOutcome {
  if (source.fileName && SPLIT_PART.test(source.fileName)) {
    return fail('split GGUF models (…-00001-of-0000N.gguf) are not supported yet; choose a single-file quantization');
  }
  return ok(source);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

const nameOf = (fileName: string) => fileName.replace(/\.gguf$/, '');
const ok = (source: PullSource): PullSourceOutcome => ({ ok: true, source });
const fail = (message: string): PullSourceOutcome => ({ ok: false, message });

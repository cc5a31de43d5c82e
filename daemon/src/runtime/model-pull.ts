// `tandem models pull`: download a base model with node-llama-cpp's downloader (ipull underneath), resumably,
// and keep it only if its sha256 matches. Unfinished and unverified files stay in a hidden staging folder,
// so the models dir only ever holds complete, checked files.
import { existsSync, mkdirSync, renameSync, rmSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { createModelDownloader, type ModelDownloader } from 'node-llama-cpp';
import type { ModelInfo, ProgressEvent } from '../protocol/types.js';
import { describeModel, recordLocalModel } from './local-models.js';
import type { PullSource } from './model-source.js';
import { sha256File } from './sha256-file.js';

export interface PullOptions {
  modelsDir: string;
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  /** Where `hf:` URIs resolve; defaults to Hugging Face (or the HF_ENDPOINT environment variable). */
  huggingFaceEndpoint?: string;
}

export type PullFailure = 'cancelled' | 'download' | 'checksum' | 'exists' | 'unsupported';

export type PullOutcome =
  | {
      ok: true;
      model: ModelInfo;
      /** Bytes already on disk from an interrupted attempt when this one started (0 for a fresh download). */
      resumedFromBytes: number;
      /** The file was already in the models dir; nothing was downloaded. */
      alreadyPresent: boolean;
      /** False when there was no expected checksum to compare with. */
      verified: boolean;
    }
  | { ok: false; reason: PullFailure; message: string };

const PARTIAL_SUFFIX = '.ipull'; // ipull's name for an unfinished file, which it resumes from

export async function pullModel(source: PullSource, options: PullOptions): Promise<PullOutcome> {
  const { modelsDir, signal } = options;
  const staging = join(modelsDir, '.downloads');
  const id = `pull:${source.name}`;

  if (source.fileName && existsSync(join(modelsDir, source.fileName))) return alreadyPresent(source, join(modelsDir, source.fileName), options);

  mkdirSync(staging, { recursive: true });
  let downloader: ModelDownloader;
  try {
    downloader = await createModelDownloader({
      modelUri: source.uri,
      dirPath: staging,
      ...(source.fileName ? { fileName: source.fileName } : {}),
      // Keep the partial file on cancel and on errors: the next pull resumes from it.
      deleteTempFileOnCancel: false,
      skipExisting: true,
      ...(options.huggingFaceEndpoint ? { endpoints: { huggingFace: options.huggingFaceEndpoint } } : {}),
      onProgress: ({ totalSize, downloadedSize }) =>
        options.onProgress?.({ id, title: `Downloading ${source.fileName ?? source.name}`, done: downloadedSize, total: totalSize || null, unit: 'bytes' }),
    });
  } catch (error) {
    return { ok: false, reason: 'download', message: `could not start downloading ${source.uri}: ${messageOf(error)}` };
  }

  const fileName = downloader.entrypointFilename;
  if (downloader.totalFiles !== 1) {
    await downloader.cancel({ deleteTempFile: true });
    return { ok: false, reason: 'unsupported', message: `${source.uri} is split into ${downloader.totalFiles} files; split GGUF models are not supported yet` };
  }
  const destination = join(modelsDir, fileName);
  if (existsSync(destination)) {
    await downloader.cancel({ deleteTempFile: false });
    return alreadyPresent(source, destination, options);
  }
  const staged = downloader.entrypointFilePath;
  const resumedFromBytes = existsSync(staged + PARTIAL_SUFFIX) ? downloader.downloadedSize : 0;

  try {
    await downloader.download(signal ? { signal } : {});
  } catch (error) {
    await downloader.cancel({ deleteTempFile: false }).catch(() => undefined);
    if (signal?.aborted) return interrupted(downloader);
    return { ok: false, reason: 'download', message: `download of ${source.uri} failed: ${messageOf(error)}. Run the same command again to resume.` };
  }
  // ipull returns normally when cancelled, leaving only the partial file.
  if (signal?.aborted || !existsSync(staged)) return interrupted(downloader);
  options.onProgress?.({ id, title: `Downloading ${fileName}`, done: downloader.totalSize, total: downloader.totalSize, unit: 'bytes', finished: true });

  const sha256 = await sha256File(staged, (done, total) =>
    options.onProgress?.({ id: `${id}:verify`, title: `Verifying ${fileName}`, done, total, unit: 'bytes', finished: done === total }));
  if (source.sha256 && sha256 !== source.sha256) {
    rmSync(staged, { force: true });
    rmSync(staged + PARTIAL_SUFFIX, { force: true });
    removeIfEmpty(staging);
    return {
      ok: false,
      reason: 'checksum',
      message: `checksum mismatch for ${fileName}: expected sha256 ${source.sha256}, got ${sha256}. The download was deleted; nothing was kept.`,
    };
  }
  renameSync(staged, destination);
  removeIfEmpty(staging);
  const model = recordLocalModel(modelsDir, fileName, { name: source.name, sha256, source: source.uri });
  return { ok: true, model, resumedFromBytes, alreadyPresent: false, verified: source.sha256 !== null };
}

/** The file is already here: keep it only if it is what was asked for. */
async function alreadyPresent(source: PullSource, path: string, options: PullOptions): Promise<PullOutcome> {
  const model = await describeModel(options.modelsDir, path, (done, total) =>
    options.onProgress?.({ id: `pull:${source.name}:verify`, title: `Verifying ${source.name}`, done, total, unit: 'bytes', finished: done === total }));
  if (source.sha256 && model.sha256 !== source.sha256) {
    return {
      ok: false,
      reason: 'exists',
      message: `${path} already exists but its sha256 is ${model.sha256}, not the expected ${source.sha256}; move it away and pull again`,
    };
  }
  return { ok: true, model, resumedFromBytes: 0, alreadyPresent: true, verified: source.sha256 !== null };
}

function interrupted(downloader: ModelDownloader): PullOutcome {
  const kept = `${formatMiB(downloader.downloadedSize)} of ${formatMiB(downloader.totalSize)}`;
  return { ok: false, reason: 'cancelled', message: `download interrupted with ${kept} kept; run the same command again to resume` };
}

function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // Not empty (another download is staged there) or already gone: both fine.
  }
}

const formatMiB = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

// The base models on this machine: GGUF files in the models dir, with their sha256 cached in index.json
// (hashing a 4 GB model takes a while, so it is done once per file version, not on every list).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ModelInfo } from '../protocol/types.js';
import { readJsonFile, writeJsonFileAtomic } from '../json-file.js';
import { findCatalogModel, type ModelCatalog } from './model-catalog.js';
import { sha256File } from './sha256-file.js';

interface IndexEntry {
  name: string;
  sha256: string;
  sizeBytes: number;
  mtimeMs: number;
  /** Where it was pulled from; null for files the user put there. */
  source: string | null;
}

type ModelIndex = Record<string, IndexEntry>; // by file name

const indexPath = (modelsDir: string) => join(modelsDir, 'index.json');

function readIndex(modelsDir: string): ModelIndex {
  const raw = readJsonFile(indexPath(modelsDir));
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as ModelIndex) : {};
}

/** Remembers a verified file (called by the pull once the file is in place). */
export function recordLocalModel(modelsDir: string, fileName: string, entry: { name: string; sha256: string; source: string | null }): ModelInfo {
  const path = join(modelsDir, fileName);
  const stats = statSync(path);
  const index = readIndex(modelsDir);
  index[fileName] = { ...entry, sizeBytes: stats.size, mtimeMs: stats.mtimeMs };
  writeJsonFileAtomic(indexPath(modelsDir), index);
  return { name: entry.name, path, sha256: entry.sha256, sizeBytes: stats.size, fixture: false };
}

/** The sha256 of a model file: from the index when the file is unchanged since, otherwise hashed (and cached when inside the models dir). */
export async function modelSha256(modelsDir: string, path: string, onProgress?: (done: number, total: number) => void): Promise<string> {
  return (await describeModel(modelsDir, path, onProgress)).sha256;
}

export async function describeModel(modelsDir: string, path: string, onProgress?: (done: number, total: number) => void): Promise<ModelInfo> {
  const absolute = resolve(path);
  const fileName = relative(resolve(modelsDir), absolute);
  const inModelsDir = fileName !== '' && !fileName.includes(sep) && !fileName.startsWith('..');
  const stats = statSync(absolute);
  const index = inModelsDir ? readIndex(modelsDir) : {};
  const cached = inModelsDir ? index[fileName] : undefined;
  const baseName = basename(absolute).replace(/\.gguf$/, '');
  if (cached && cached.sizeBytes === stats.size && cached.mtimeMs === stats.mtimeMs) {
    return { name: cached.name, path: absolute, sha256: cached.sha256, sizeBytes: stats.size, fixture: false };
  }
  const sha256 = await sha256File(absolute, onProgress);
  if (inModelsDir) {
    index[fileName] = { name: cached?.name ?? baseName, sha256, sizeBytes: stats.size, mtimeMs: stats.mtimeMs, source: cached?.source ?? null };
    writeJsonFileAtomic(indexPath(modelsDir), index);
  }
  return { name: cached?.name ?? baseName, path: absolute, sha256, sizeBytes: stats.size, fixture: false };
}

/** Every .gguf file in the models dir, by name. Unfinished downloads live in a hidden folder and are not listed. */
export async function listLocalModels(modelsDir: string, onProgress?: (done: number, total: number) => void): Promise<ModelInfo[]> {
  if (!existsSync(modelsDir)) return [];
  const files = readdirSync(modelsDir, { withFileTypes: true })
    .filter((f) => f.isFile() && f.name.endsWith('.gguf') && !f.name.startsWith('.'))
    .map((f) => f.name)
    .sort();
  const models: ModelInfo[] = [];
  for (const file of files) models.push(await describeModel(modelsDir, join(modelsDir, file), onProgress));
  return models;
}

/**
 * The file `tandem models use <target>` means: a model in the models dir (by name, catalog name or file name),
 * or a path to a GGUF file. Null when nothing matches.
 */
export function findLocalModel(modelsDir: string, target: string, catalog: ModelCatalog): string | null {
  const index = readIndex(modelsDir);
  const candidates = [
    findCatalogModel(catalog, target)?.fileName,
    Object.keys(index).find((file) => index[file]!.name === target),
    target.endsWith('.gguf') ? target : `${target}.gguf`,
  ];
  for (const file of candidates) {
    if (file && !file.includes('/') && !file.includes(sep) && existsSync(join(modelsDir, file))) return join(modelsDir, file);
  }
  const asPath = isAbsolute(target) ? target : resolve(target);
  return existsSync(asPath) && statSync(asPath).isFile() ? asPath : null;
}

/** The base model to use: the configured one, else the catalog default once it is downloaded. Null when neither is here. */
export function activeModelPath(modelsDir: string, configuredModel: string | undefined, catalog: ModelCatalog): string | null {
  if (configuredModel) return existsSync(configuredModel) ? configuredModel : null;
  const fallback = findCatalogModel(catalog, catalog.defaultName);
  return fallback && existsSync(join(modelsDir, fallback.fileName)) ? join(modelsDir, fallback.fileName) : null;
}

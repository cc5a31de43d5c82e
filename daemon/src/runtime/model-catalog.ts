// The recommended base models (models/catalog.json), parsed into checked, typed entries.
import catalogJson from '../../../models/catalog.json' with { type: 'json' };
import { SHA256_PATTERN } from './sha256-file.js';

export interface CatalogModel {
  name: string;
  description: string;
  /** `hf:user/repo/file.gguf` or an https URL. */
  uri: string;
  fileName: string;
  /** Approximate; shown to the user, never enforced (the checksum is the authority). */
  sizeBytes: number;
  /** Expected sha256 of the file, lowercase hex; null when not yet confirmed. */
  sha256: string | null;
}

export interface ModelCatalog {
  defaultName: string;
  models: CatalogModel[];
}

/** Checks a catalog document; throws naming the first bad entry, since a bad catalog is a bug of the package. */
export function parseCatalog(raw: unknown): ModelCatalog {
  const doc = raw as { default?: unknown; models?: unknown };
  if (!Array.isArray(doc?.models)) throw new Error('model catalog: "models" must be a list');
  const models = doc.models.map((entry: Record<string, unknown>, index): CatalogModel => {
    const where = `model catalog entry ${index} (${String(entry?.name)})`;
    for (const key of ['name', 'description', 'uri', 'fileName'] as const) {
      if (typeof entry?.[key] !== 'string' || entry[key] === '') throw new Error(`${where}: "${key}" must be a non-empty string`);
    }
    if (!isSafeModelFileName(entry.fileName as string)) throw new Error(`${where}: "fileName" must be a plain name ending in .gguf`);
    if (typeof entry.sizeBytes !== 'number' || entry.sizeBytes <= 0) throw new Error(`${where}: "sizeBytes" must be a positive number`);
    if (entry.sha256 !== null && !(typeof entry.sha256 === 'string' && SHA256_PATTERN.test(entry.sha256))) {
      throw new Error(`${where}: "sha256" must be 64 lowercase hex digits or null`);
    }
    return entry as unknown as CatalogModel;
  });
  const defaultName = doc.default;
  if (typeof defaultName !== 'string' || !models.some((m) => m.name === defaultName)) {
    throw new Error('model catalog: "default" must name one of its models');
  }
  return { defaultName, models };
}

/** The catalog shipped with Tandem. */
export const builtinCatalog: ModelCatalog = parseCatalog(catalogJson);

export function findCatalogModel(catalog: ModelCatalog, name: string): CatalogModel | undefined {
  return catalog.models.find((m) => m.name === name);
}

/** A file name we are willing to create in the models dir: no directories, no dot files, a .gguf suffix. */
export function isSafeModelFileName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._+-]*\.gguf$/.test(name) && !name.includes('..');
}

// `tandem train --from-export DIR`: the step records of an export folder a user already made, checked
// before anything is written: its manifest must be one this Tandem reads, of the runtime-text format
// (`tandem-steps`), holding the role asked for, and its files must be the ones the manifest lists.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXPORT_MANIFEST_VERSION, type ExportManifest, type Role } from '../protocol/types.js';
import { parseStepRecord, type StepRecord } from '../store/export/formats/tandem-steps.js';
import { splitOf, type SplitName } from '../store/export/split.js';

export interface ExportRecords {
  records: StepRecord[];
  /** The train fraction the records are split by: the export's own, or the one given when it had none. */
  trainFraction: number;
  manifest: ExportManifest;
}

/** A refusal: what is wrong with the folder, and the command that makes a usable one. */
export class UnusableExport extends Error {}

export function readExportRecords(dir: string, role: Role, trainFraction: number | undefined): ExportRecords {
  const make = `tandem export --format tandem-steps --role ${role} --split 0.8 --out ${join(dir, 'steps.jsonl')}`;
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new UnusableExport(`${dir} has no manifest.json, so it is not a tandem export folder. Make one with: ${make}`);
  let manifest: ExportManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ExportManifest;
  } catch (error) {
    throw new UnusableExport(`${manifestPath} is not valid JSON (${(error as Error).message}); export again with: ${make}`);
  }
  const version = manifest.version ?? 1;
  if (typeof version !== 'number' || version > EXPORT_MANIFEST_VERSION) {
    throw new UnusableExport(`${dir} was written by a newer Tandem (manifest version ${String(version)}; this one reads up to ${EXPORT_MANIFEST_VERSION}). Update Tandem, or export again with this one: ${make}`);
  }
  if (manifest.format !== 'tandem-steps') {
    throw new UnusableExport(`${dir} holds a ${String(manifest.format)} export; training needs the runtime's own text (format tandem-steps), which it lacks. Make it with: ${make}`);
  }
  const exported = manifest.filters?.role;
  if (exported !== role && exported !== 'all') {
    throw new UnusableExport(`${dir} is an export of the ${String(exported)}, not the ${role}: train --role ${String(exported)}, or export the ${role} with: ${make}`);
  }
  const exportSplit = manifest.filters.split;
  if (exportSplit !== undefined && trainFraction !== undefined && trainFraction !== exportSplit) {
    throw new UnusableExport(`${dir} was split at ${exportSplit} when it was exported; drop --split (the export's split is used, and tandem eval scores the same held-out tasks) or export again with --split ${trainFraction}.`);
  }
  const fraction = exportSplit ?? trainFraction ?? 0.8;
  const records: StepRecord[] = [];
  for (const file of manifest.files ?? []) {
    const path = join(dir, file.path);
    if (!existsSync(path)) throw new UnusableExport(`${path}, listed in the manifest, is missing; export again with: ${make}`);
    const text = readFileSync(path);
    if (createHash('sha256').update(text).digest('hex') !== file.sha256) {
      throw new UnusableExport(`${path} changed since it was exported (its sha256 is not the manifest's); export again with: ${make}`);
    }
    text.toString('utf8').split('\n').forEach((line, index) => {
      if (!line) return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new UnusableExport(`${path} line ${index + 1} is not JSON.`);
      }
      const taskId = (value as { task_id?: unknown }).task_id;
      const side: SplitName = typeof taskId === 'string' ? splitOf(taskId, fraction) : 'train';
      const record = parseStepRecord(value, side);
      if (typeof record === 'string') throw new UnusableExport(`${path} line ${index + 1} is not a tandem-steps record: ${record}.`);
      if (record.role === role) records.push(record);
    });
  }
  if (!records.length) {
    throw new UnusableExport(`${dir} holds no ${role} steps (${manifest.files?.reduce((n, f) => n + f.records, 0) ?? 0} records in all); record and review some tasks, then export again with: ${make}`);
  }
  return { records, trainFraction: fraction, manifest };
}

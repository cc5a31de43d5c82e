// Checks export options before anything is read or written, and works out where the files go.
// Bad input comes back as a message the user can act on, never as a half-written dataset.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { EXPORT_FORMATS, ROLES, type ExportFormat, type ExportOptions, type Role } from '../../protocol/types.js';
import type { SplitName } from './split.js';

export interface ExportPlan {
  format: ExportFormat;
  role: Role | 'all';
  roles: Role[];
  minSignal: 'approved' | 'merged';
  since?: string;
  sinceMs: number;
  repo?: string;
  split?: number;
  /** Only tasks of this cluster of the newest clustering. */
  cluster?: number;
  /** One file per split, or a single file named `all` when there is no split. */
  files: { split: SplitName | 'all'; path: string }[];
  manifestPath: string;
}

/** Thrown by `exportDataset` for options it cannot act on; the CLI shows the message and exits 2. */
export class ExportInputError extends Error {}

export function planExport(options: ExportOptions, cwd = process.cwd()): { ok: true; plan: ExportPlan } | { ok: false; message: string } {
  if (!EXPORT_FORMATS.includes(options.format)) {
    return { ok: false, message: `Unknown format "${options.format}". Use one of: ${EXPORT_FORMATS.join(', ')}.` };
  }
  if (options.role !== 'all' && !ROLES.includes(options.role)) {
    return { ok: false, message: `Unknown role "${options.role}". Use orchestrator, worker or all.` };
  }
  const minSignal = options.minSignal ?? 'approved';
  if (minSignal !== 'approved' && minSignal !== 'merged') {
    return { ok: false, message: `Unknown --min-signal "${minSignal}". Use approved or merged.` };
  }
  let sinceMs = 0;
  if (options.since !== undefined) {
    sinceMs = Date.parse(options.since);
    if (Number.isNaN(sinceMs)) return { ok: false, message: `Cannot read --since "${options.since}" as a date. Use YYYY-MM-DD or an ISO time.` };
  }
  const split = options.split;
  if (split !== undefined && !(typeof split === 'number' && split > 0 && split <= 1)) {
    return { ok: false, message: `--split must be a fraction of the tasks for training, above 0 and at most 1 (e.g. 0.9); got ${String(split)}.` };
  }
  if (options.cluster !== undefined && !(Number.isInteger(options.cluster) && options.cluster >= 0)) {
    return { ok: false, message: `--cluster must be a cluster number from \`tandem clusters\`; got ${String(options.cluster)}.` };
  }
  if (!options.out) return { ok: false, message: 'Say where to write the dataset with --out PATH (e.g. --out data/worker.jsonl).' };
  const out = resolve(cwd, options.out);
  if (existsSync(out) && statSync(out).isDirectory()) {
    return { ok: false, message: `--out ${options.out} is a folder; give a file path such as ${join(options.out, 'dataset.jsonl')}.` };
  }
  const stem = out.endsWith('.jsonl') ? out.slice(0, -'.jsonl'.length) : out;
  const files: ExportPlan['files'] = split === undefined
    ? [{ split: 'all', path: out }]
    : [{ split: 'train', path: `${stem}.train.jsonl` }, { split: 'validation', path: `${stem}.validation.jsonl` }];
  return {
    ok: true,
    plan: {
      format: options.format, role: options.role, roles: options.role === 'all' ? [...ROLES] : [options.role], minSignal,
      since: options.since, sinceMs, repo: options.repo === undefined ? undefined : resolve(cwd, options.repo), split, cluster: options.cluster,
      files, manifestPath: join(dirname(out), 'manifest.json'),
    },
  };
}

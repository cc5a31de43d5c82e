// `tandem export`: streams the store task by task into one dataset format. Each task's steps become
// units, units become examples, examples are redacted, formatted, deduplicated and appended to the
// task's split; the files appear (with manifest.json) only when the whole export succeeded.
import type { ChatTurn } from '../../agents/ports.js';
import { createHash } from 'node:crypto';
import { basename, dirname } from 'node:path';
import type { ExportManifest, ExportOptions, ProgressEvent } from '../../protocol/types.js';
import { DatasetFile, writeFileAtomically } from './dataset-file.js';
import { REWARD_DEFINITION } from './attempt-groups.js';
import { examplesOf } from './examples.js';
import { HUNK_EXAMPLES } from './kept-hunks.js';
import { PAIR_KINDS } from './preference-pairs.js';
import { ExportInputError, planExport, type ExportPlan } from './export-options.js';
import { datasetFormats } from './formats/dataset-formats.js';
import { makeOutputFolder } from './output-folder.js';
import { Redactor } from './redact.js';
import { splitOf, type SplitName } from './split.js';
import { StoreReader } from './store-reader.js';
import { TaskOutcome } from './task-outcome.js';
import type { Example } from './trajectory.js';
import { taskUnits } from './units.js';

export interface DatasetManifest extends ExportManifest {
  /** Steps read from the store (all roles asked for, including ones that made no record). */
  steps: number;
  dropped: { duplicates: number; unexpressible: number };
  /** Preference formats: what each `metadata.pair.kind` means. */
  pairKinds?: Record<string, string>;
  /** KTO-style formats: what the examples with `metadata.hunk` are. */
  hunkExamples?: string;
}

/** A targeted export (one failure pattern's tasks): only these tasks, and what the manifest says they are. */
export interface ExportScope {
  taskIds: ReadonlySet<string>;
  manifest: Record<string, unknown>;
}

const YIELD_EVERY_MS = 50;

export async function exportDataset(
  dbPath: string, options: ExportOptions, onProgress?: (event: ProgressEvent) => void, signal?: AbortSignal, scope?: ExportScope,
): Promise<DatasetManifest> {
  const planned = planExport(options);
  if (!planned.ok) throw new ExportInputError(planned.message);
  const plan = planned.plan;
  const reader = new StoreReader(dbPath);
  const files = new Map<SplitName | 'all', DatasetFile>();
  try {
    const repoId = plan.repo === undefined ? null : reader.repoId(plan.repo);
    if (typeof repoId === 'string') throw new ExportInputError(repoId);
    const filter = { roles: plan.roles, sinceMs: plan.sinceMs, repoId };
    const progress = throttled(onProgress, { id: 'export', title: `Exporting ${plan.format}`, done: 0, total: reader.countSteps(filter), unit: 'steps' });
    makeOutputFolder(dirname(plan.files[0]!.path));
    for (const { split, path } of plan.files) files.set(split, new DatasetFile(path));

    const format = datasetFormats[plan.format];
    const redactor = new Redactor();
    const seen = new Set<string>();
    const counts: Record<string, number> = {};
    const dropped = { duplicates: 0, unexpressible: 0 };
    let steps = 0;
    let lastYield = Date.now();
    const appliedOf = reader.appliedInTaskOrder();
    for (const task of reader.tasks(filter)) {
      if (scope && !scope.taskIds.has(task.id)) continue;
      const { steps: taskSteps, read } = reader.steps(task.id, plan.roles);
      steps += read;
      if (taskSteps.length) {
        const turns = new Map<string, ChatTurn>(); // a system prompt repeats in every step of a task
        const turnOf = (hash: string) => turns.get(hash) ?? turns.set(hash, reader.turn(hash)).get(hash)!;
        const outcome = new TaskOutcome(reader.diffs(task.id), reader.reviews(task.id), appliedOf(task.id), reader.signals(task.id));
        const units = taskUnits(task, taskSteps, outcome, { turnOf, blob: (hash) => reader.blob(hash) });
        const split = plan.split === undefined ? 'all' : splitOf(task.id, plan.split);
        const attempts = { rows: reader.attempts(task.id), roundLabel: (round: number) => outcome.verdict(outcome.diffsOfRound(round, true).map((d) => d.id)).label };
        for (const example of examplesOf(format.kind, units, plan.minSignal, attempts)) {
          const record = formatRecord(format, await redactor.deep(example));
          if (!record) { dropped.unexpressible++; continue; }
          // Duplicates are judged on what trains, not on provenance, which differs for every task.
          const { metadata, ...content } = record;
          const json = JSON.stringify(content);
          const key = createHash('sha256').update(json).digest('base64').slice(0, 22);
          if (seen.has(key)) { dropped.duplicates++; continue; }
          seen.add(key);
          files.get(split)!.append(`${json.slice(0, -1)},"metadata":${JSON.stringify(metadata)}}`);
          const countKey = `${split}/${example.role}/${example.metadata.label}`;
          counts[countKey] = (counts[countKey] ?? 0) + 1;
        }
      }
      progress({ done: steps });
      if (Date.now() - lastYield >= YIELD_EVERY_MS) {
        // Let a Ctrl-C or an abort in, and keep the daemon answering while a big export runs.
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = Date.now();
      }
      if (signal?.aborted) throw new Error('Export cancelled; no dataset files were written.');
    }

    for (const file of files.values()) file.finish();
    const published = [...files.values()].map((file) => file.publish());
    files.clear();
    const manifest: DatasetManifest = {
      format: plan.format,
      filters: filtersOf(plan),
      counts,
      redactions: redactor.count,
      redactionsByRule: sortedCounts(redactor.byRule),
      files: published.map((f) => ({ ...f, path: basename(f.path) })),
      createdAt: new Date().toISOString(),
      ...((plan.format === 'trl-grpo' || format.kind === 'preference') && { reward: REWARD_DEFINITION }),
      ...(format.kind === 'preference' && { pairKinds: PAIR_KINDS }),
      ...(format.kind === 'unpaired' && { hunkExamples: HUNK_EXAMPLES }),
      steps,
      dropped,
      ...scope?.manifest,
    };
    writeFileAtomically(plan.manifestPath, JSON.stringify(manifest, null, 2) + '\n');
    progress({ done: steps, finished: true });
    return manifest;
  } finally {
    for (const file of files.values()) file.discard();
    reader.close();
  }
}

function formatRecord(format: (typeof datasetFormats)[keyof typeof datasetFormats], example: Example): Record<string, unknown> | null {
  if (format.kind === 'sft' && example.kind === 'sft') return format.record(example);
  if (format.kind === 'preference' && example.kind === 'preference') return format.record(example);
  if (format.kind === 'unpaired' && example.kind === 'unpaired') return format.record(example);
  if (format.kind === 'group' && example.kind === 'group') return format.record(example);
  throw new Error(`internal: a ${example.kind} example reached a ${format.kind} format`);
}

function sortedCounts(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

function filtersOf(plan: ExportPlan): ExportManifest['filters'] {
  const filters: ExportManifest['filters'] = { format: plan.format, role: plan.role, minSignal: plan.minSignal };
  if (plan.since !== undefined) filters.since = plan.since;
  if (plan.repo !== undefined) filters.repo = plan.repo;
  if (plan.split !== undefined) filters.split = plan.split;
  return filters;
}

/** Progress at most ~10 times a second, and always the final event. */
function throttled(onProgress: ((event: ProgressEvent) => void) | undefined, base: ProgressEvent) {
  let last = 0;
  return (update: Partial<ProgressEvent>) => {
    if (!onProgress) return;
    const now = Date.now();
    if (!update.finished && now - last < 100) return;
    last = now;
    onProgress({ ...base, ...update });
  };
}

// `tandem patterns` behind the protocol: the store's recorded failures embedded by the loaded base model
// and clustered into named patterns; and a targeted dataset for one pattern through the exporter.
// The same store, params and model give the same patterns (seeded clustering), so a pattern's id from a
// listing names the same pattern in an export asked for right after.
import { isAbsolute, join } from 'node:path';
import { ResponseError } from 'vscode-jsonrpc';
import { findFailurePatterns } from '../analysis/failure-patterns.js';
import { readRecordedFailures } from '../analysis/recorded-failures.js';
import type { FailurePatternsParams, FailurePatternsResult, PatternExportParams, PatternExportResult } from '../protocol/failure-patterns.js';
import { ErrorCodes } from '../protocol/errors.js';
import type { ProgressEvent } from '../protocol/types.js';
import type { ModelRuntime } from '../runtime/model-runtime.js';
import { exportDataset } from '../store/export/export-dataset.js';
import { ExportInputError } from '../store/export/export-options.js';

const InvalidParams = -32602;
/** Most patterns asked for with k; more than this would be one pattern per failure in any real store. */
export const MAX_PATTERNS = 50;
/** The default export: each failed step as an undesirable example and approved fixes as desirable ones. */
const DEFAULT_FORMAT = 'trl-kto';

type Progress = (event: ProgressEvent) => void;

export class PatternService {
  constructor(private readonly options: { databasePath: string; runtime: () => Promise<ModelRuntime> }) {}

  async list(params: FailurePatternsParams, progress?: Progress): Promise<FailurePatternsResult> {
    const sinceMs = parseSince(params.since);
    checkK(params.k);
    const failures = readRecordedFailures(this.options.databasePath, { role: params.role, sinceMs });
    const base = { role: params.role ?? 'all' as const, ...(params.since !== undefined && { since: params.since }), failures: failures.length };
    if (failures.length === 0) return { ...base, silhouette: 0, patterns: [] };
    const embedder = (await this.options.runtime()).textEmbedder();
    const title = `Embedding ${failures.length} failures`;
    const vectors = await embedder.embed(failures.map((f) => f.text), (done, total) => progress?.({ id: 'patterns', title, done, total, unit: 'records' }));
    progress?.({ id: 'patterns', title, done: failures.length, total: failures.length, unit: 'records', finished: true });
    const { patterns, silhouette } = findFailurePatterns(failures, vectors, { k: params.k, members: params.members === true });
    return { ...base, silhouette, patterns };
  }

  async export(params: PatternExportParams, progress?: Progress, signal?: AbortSignal): Promise<PatternExportResult> {
    if (!isAbsolute(params.out)) throw new ResponseError(InvalidParams, `out must be an absolute folder path (got "${params.out}").`);
    const { patterns } = await this.list({ role: params.role, since: params.since, k: params.k, members: true }, progress);
    const pattern = patterns.find((p) => p.id === params.pattern);
    if (!pattern) {
      const known = patterns.length ? `patterns 1 to ${patterns.length}` : 'no patterns (no recorded failures match)';
      throw new ResponseError(ErrorCodes.NotFound, `There is no pattern ${params.pattern}: \`tandem patterns\` with the same --role, --since and --k lists ${known}.`);
    }
    const taskIds = [...new Set(pattern.members!.map((m) => m.taskId))];
    const { members, ...summary } = pattern;
    const manifestPattern = { id: pattern.id, label: pattern.label, count: pattern.count, taskIds };
    try {
      const manifest = await exportDataset(this.options.databasePath, {
        format: params.format ?? DEFAULT_FORMAT, role: params.role ?? 'all', since: params.since, split: params.split,
        out: join(params.out, `pattern-${pattern.id}.jsonl`),
      }, progress, signal, { taskIds: new Set(taskIds), manifest: { pattern: manifestPattern } });
      return { pattern: summary, manifest: { ...manifest, pattern: manifestPattern }, dir: params.out };
    } catch (error) {
      if (error instanceof ExportInputError) throw new ResponseError(InvalidParams, error.message);
      throw error;
    }
  }
}

function parseSince(since: string | undefined): number {
  if (since === undefined) return 0;
  const ms = Date.parse(since);
  if (Number.isNaN(ms)) throw new ResponseError(InvalidParams, `Cannot read since "${since}" as a date. Use YYYY-MM-DD or an ISO time.`);
  return ms;
}

function checkK(k: number | undefined): void {
  if (k !== undefined && !(Number.isInteger(k) && k >= 1 && k <= MAX_PATTERNS)) {
    throw new ResponseError(InvalidParams, `k must be a whole number from 1 to ${MAX_PATTERNS} (got ${k}).`);
  }
}

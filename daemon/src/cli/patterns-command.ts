// `tandem patterns`: what the agents fail at, as named patterns with counts, trend over adapter versions
// and example tasks; `--export N --out DIR` writes a targeted dataset for pattern N. Through the running
// daemon when there is one, in this process otherwise (the model is loaded to embed the failures).
import { resolve } from 'node:path';
import {
  PatternsExport, PatternsList, type FailurePattern, type FailurePatternsParams, type FailurePatternsResult, type PatternExportParams,
} from '../protocol/failure-patterns.js';
import { EXPORT_FORMATS, ROLES, type ExportFormat, type Role } from '../protocol/types.js';
import type { CliCommand } from './command.js';
import { printFailure, printRefusal, printResult, progressBars } from './command-output.js';
import { withTandemClient } from './tandem-client.js';

/** One row per pattern: count, the trend as counts per version, examples, label. */
export function formatPatterns(result: FailurePatternsResult): string {
  if (result.patterns.length === 0) return `No recorded failures${result.role === 'all' ? '' : ` of the ${result.role}`}${result.since ? ` since ${result.since}` : ''}.`;
  const lines = [`${result.failures} failures in ${result.patterns.length} pattern(s)${result.role === 'all' ? '' : ` (${result.role})`}:`];
  for (const pattern of result.patterns) {
    lines.push(`${String(pattern.id).padStart(3)}. ${pattern.label}`);
    lines.push(`     ${pattern.count} × (${kinds(pattern)})  by version: ${trend(pattern)}`);
    lines.push(`     e.g. ${pattern.exampleTaskIds.join(', ')}`);
  }
  return lines.join('\n');
}

const kinds = (pattern: FailurePattern) => Object.entries(pattern.byKind).map(([kind, n]) => `${kind.replace('_', ' ')} ${n}`).join(', ');
const trend = (pattern: FailurePattern) => pattern.trend.map((t) => `${t.role} ${t.version === null ? 'base' : `v${t.version}`}: ${t.count}`).join(', ');

export const patternsCommand: CliCommand = {
  name: 'patterns',
  usage: `patterns [--role R] [--since DATE] [--k N] [--json [--members]] [--export N --out DIR [--format ${EXPORT_FORMATS.join('|')}] [--split 0.9]]`,
  summary: 'Cluster recorded failures (rejections, guard stops, failed tool calls, critic failures) into named patterns; --export writes one pattern\'s dataset',
  options: {
    role: { type: 'string' }, since: { type: 'string' }, k: { type: 'string' }, members: { type: 'boolean' }, export: { type: 'string' },
    out: { type: 'string' }, format: { type: 'string' }, split: { type: 'string' },
  },
  async run({ values }) {
    const json = values.json === true;
    const parsed = parseFilter(values);
    if (typeof parsed === 'string') return printFailure(json, parsed, 2);
    let exportParams: PatternExportParams | null = null;
    if (values.export !== undefined) {
      const made = parseExport(values, parsed);
      if (typeof made === 'string') return printFailure(json, made, 2);
      exportParams = made;
    } else if (values.out !== undefined || values.format !== undefined) {
      return printFailure(json, '--out and --format go with --export N (a pattern id from `tandem patterns`).', 2);
    }
    return withTandemClient(async (client) => {
      client.onProgress(progressBars());
      try {
        if (exportParams) {
          const result = await client.request(PatternsExport, exportParams);
          printResult(json, result, (r) => `Pattern ${r.pattern.id} (${r.pattern.label}): ${r.manifest.files.map((f) => `${f.records} records in ${f.path}`).join(', ')} from ${r.manifest.pattern.taskIds.length} task(s), in ${r.dir} (manifest.json says which pattern).`);
        } else {
          printResult(json, await client.request(PatternsList, parsed), formatPatterns);
        }
        return 0;
      } catch (error) {
        return printRefusal(json, error);
      }
    });
  },
};

type Values = Record<string, string | boolean | string[] | undefined>;

function parseFilter(values: Values): FailurePatternsParams | string {
  const params: FailurePatternsParams = {};
  if (values.role !== undefined) {
    if (!ROLES.includes(values.role as Role)) return `unknown role "${String(values.role)}"; use ${ROLES.join(', ')}`;
    params.role = values.role as Role;
  }
  if (values.since !== undefined) {
    if (Number.isNaN(Date.parse(String(values.since)))) return `Cannot read --since "${String(values.since)}" as a date. Use YYYY-MM-DD or an ISO time.`;
    params.since = String(values.since);
  }
  if (values.k !== undefined) {
    const k = Number(values.k);
    if (!Number.isInteger(k) || k < 1) return `--k takes a whole number of patterns, at least 1 (got "${String(values.k)}")`;
    params.k = k;
  }
  if (values.members === true) params.members = true;
  return params;
}

function parseExport(values: Values, filter: FailurePatternsParams): PatternExportParams | string {
  const pattern = Number(values.export);
  if (!Number.isInteger(pattern) || pattern < 1) return `--export takes a pattern id as \`tandem patterns\` lists it (got "${String(values.export)}")`;
  if (typeof values.out !== 'string' || values.out === '') return '--export needs --out DIR, the folder to write the dataset and its manifest to.';
  const { members: _members, ...scope } = filter;
  const params: PatternExportParams = { ...scope, pattern, out: resolve(values.out) };
  if (values.format !== undefined) {
    if (!EXPORT_FORMATS.includes(values.format as ExportFormat)) return `Unknown --format "${String(values.format)}". Use one of: ${EXPORT_FORMATS.join(', ')}.`;
    params.format = values.format as ExportFormat;
  }
  if (values.split !== undefined) {
    const split = Number(values.split);
    if (!(split > 0 && split <= 1)) return '--split is the train fraction, above 0 and at most 1 (e.g. 0.9)';
    params.split = split;
  }
  return params;
}

// `tandem eval` and `tandem adapters promote`: adapter versions scored on held-out recorded work, and
// the promotion gate. Through the running daemon when there is one (it hot-swaps a promoted version).
import { AdaptersEvaluate, AdaptersPromote, type AdapterEvaluation, type EvaluateParams } from '../protocol/adapter-evaluation.js';
import { ROLES, type Role } from '../protocol/types.js';
import type { CliCommand } from './command.js';
import { printFailure, printRefusal, printResult, progressBars } from './command-output.js';
import { withTandemClient } from './tandem-client.js';

function parseRole(value: unknown): Role | string {
  if (typeof value !== 'string') return `--role is required: ${ROLES.join(' or ')}`;
  return ROLES.includes(value as Role) ? (value as Role) : `unknown role "${value}"; use ${ROLES.join(' or ')}`;
}

/** A version number, `base` (null), or undefined when the text is neither. */
function parseVersion(text: unknown): number | null | undefined {
  if (text === 'base') return null;
  const match = typeof text === 'string' ? /^v?(\d+)$/.exec(text) : null;
  return match ? Number(match[1]) : undefined;
}

function parseSplit(value: unknown): number | undefined | string {
  if (value === undefined) return undefined;
  const split = Number(value);
  return split > 0 && split < 1 ? split : '--split is the train fraction, between 0 and 1 (e.g. 0.9), as given to `tandem export`';
}

/** One row per evaluation: what a user compares at a glance. */
export function formatEvaluations(rows: AdapterEvaluation[]): string {
  const header = ['', 'NLL/token', 'tokens', 'actions', 'pref. acc.', 'pairs', 'held-out'];
  const table = [header, ...rows.map((e) => [
    `${e.role} ${e.version === null ? 'base' : `v${e.version}`}`,
    e.nllPerToken === null ? '-' : e.nllPerToken.toFixed(4), String(e.nllTokens), String(e.nllExamples),
    e.preferenceAccuracy === null ? '-' : `${(e.preferenceAccuracy * 100).toFixed(1)}%`, String(e.preferencePairs), e.heldOut,
  ])];
  const widths = header.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  return table.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
}

const evaluate: CliCommand = {
  name: 'eval',
  usage: 'eval --role R [--adapter V] [--against W|base] [--split F (default: the split it was last evaluated with, else 0.9)] [--cluster C] [--json]',
  summary: 'Score an adapter version against another (default: the newest against the active) on held-out recorded work',
  options: { role: { type: 'string' }, adapter: { type: 'string' }, against: { type: 'string' }, split: { type: 'string' }, cluster: { type: 'string' } },
  async run({ values }) {
    const json = values.json === true;
    const role = parseRole(values.role);
    if (!ROLES.includes(role as Role)) return printFailure(json, role, 2);
    const params: EvaluateParams = { role: role as Role };
    for (const key of ['adapter', 'against'] as const) {
      if (values[key] === undefined) continue;
      const version = parseVersion(values[key]);
      if (version === undefined) return printFailure(json, `--${key} takes a version number (e.g. 3) or base`, 2);
      params[key === 'adapter' ? 'version' : 'against'] = version;
    }
    const split = parseSplit(values.split);
    if (typeof split === 'string') return printFailure(json, split, 2);
    if (split !== undefined) params.split = split;
    if (values.cluster !== undefined) {
      if (typeof values.cluster !== 'string' || !/^\d+$/.test(values.cluster)) return printFailure(json, '--cluster takes a cluster number from `tandem clusters`', 2);
      params.cluster = Number(values.cluster);
    }
    return withTandemClient(async (client) => {
      client.onProgress(progressBars());
      try {
        const result = await client.request(AdaptersEvaluate, params);
        printResult(json, result, () => `${formatEvaluations([result.candidate, result.against])}\n${result.decision.allowed ? 'promotable' : 'not promotable'}: ${result.decision.reason}${splitLine(result.splitNote)}`);
        return 0;
      } catch (error) {
        return printRefusal(json, error);
      }
    });
  },
};

const promote: CliCommand = {
  name: 'adapters promote',
  usage: 'adapters promote --role R <version|base> [--force] [--split F (default: the split it was evaluated with)] [--cluster C] [--json]',
  summary: "Make a version the role's adapter if, on held-out work, it is not worse than the active one (--force overrides, and is recorded)",
  options: { role: { type: 'string' }, force: { type: 'boolean' }, split: { type: 'string' }, cluster: { type: 'string' } },
  async run({ values, positionals }) {
    const json = values.json === true;
    const role = parseRole(values.role);
    if (!ROLES.includes(role as Role)) return printFailure(json, role, 2);
    const version = parseVersion(positionals[0]);
    if (version === undefined || positionals.length !== 1) return printFailure(json, 'give the version to promote (e.g. 3) or base', 2);
    const split = parseSplit(values.split);
    if (typeof split === 'string') return printFailure(json, split, 2);
    const cluster = values.cluster === undefined ? undefined : typeof values.cluster === 'string' && /^\d+$/.test(values.cluster) ? Number(values.cluster) : null;
    if (cluster === null) return printFailure(json, '--cluster takes a cluster number from `tandem clusters`', 2);
    return withTandemClient(async (client) => {
      client.onProgress(progressBars());
      try {
        const result = await client.request(AdaptersPromote, {
          role: role as Role, version, force: values.force === true, ...(split === undefined ? {} : { split }), ...(cluster === undefined ? {} : { cluster }),
        });
        const where = cluster === undefined ? '' : ` for cluster ${cluster}`;
        printResult(json, result, () => `${role} now uses ${version === null ? 'the base model' : `v${version}`}${where}${result.forced ? ' (forced past the gate)' : ''}: ${result.decision.reason}${splitLine(result.splitNote)}`);
        return 0;
      } catch (error) {
        return printRefusal(json, error);
      }
    });
  },
};

const splitLine = (note: string | null) => (note ? `\nNote: ${note}` : '');

export const evalCommands: CliCommand[] = [evaluate, promote];

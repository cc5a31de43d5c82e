// The Patterns view's rows, from `tandem/patterns/list`: one per failure pattern, with its trend as
// one bar per adapter version. Every row has the same columns (all versions any pattern has), so bars
// line up down the table and a version where a pattern no longer occurs shows as an empty bar.
// Pure: the view draws it; tests feed it results.
import type { FailurePatternsResult } from '../../daemon/src/protocol/failure-patterns.js';

export interface TrendBar {
  /** e.g. "worker v2", "orchestrator base". */
  version: string;
  count: number;
  /** 0..100: the bar's height against the pattern's busiest version. */
  height: number;
}

export interface PatternRow {
  id: number;
  label: string;
  count: number;
  /** e.g. "rejection 3, tool error 1". */
  kinds: string;
  bars: TrendBar[];
  exampleTaskIds: string[];
}

export function patternRows(result: FailurePatternsResult): PatternRow[] {
  const columns = new Map<string, { role: string; version: number | null }>();
  for (const pattern of result.patterns) for (const t of pattern.trend) columns.set(versionName(t.role, t.version), { role: t.role, version: t.version });
  const ordered = [...columns.entries()].sort(([, a], [, b]) => a.role.localeCompare(b.role) || (a.version ?? -1) - (b.version ?? -1)).map(([name]) => name);
  return result.patterns.map((pattern) => {
    const counts = new Map(pattern.trend.map((t) => [versionName(t.role, t.version), t.count]));
    const most = Math.max(1, ...counts.values());
    return {
      id: pattern.id,
      label: pattern.label,
      count: pattern.count,
      kinds: Object.entries(pattern.byKind).map(([kind, n]) => `${kind.replace('_', ' ')} ${n}`).join(', '),
      bars: ordered.map((version) => ({ version, count: counts.get(version) ?? 0, height: Math.round(((counts.get(version) ?? 0) / most) * 100) })),
      exampleTaskIds: pattern.exampleTaskIds,
    };
  });
}

/** One line over the table: how many failures, how many patterns, for which role. */
export function patternsSummary(result: FailurePatternsResult): string {
  if (result.failures === 0) return `No recorded failures${result.role === 'all' ? '' : ` of the ${result.role}`}.`;
  return `${result.failures} failures in ${result.patterns.length} pattern(s)${result.role === 'all' ? '' : ` of the ${result.role}`}`;
}

function versionName(role: string, version: number | null): string {
  return `${role} ${version === null ? 'base' : `v${version}`}`;
}

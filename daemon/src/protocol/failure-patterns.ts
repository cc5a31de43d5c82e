// Failure patterns: what the agents fail at, clustered from every recorded failure (rejections, guard
// stops, failed tool calls, critic failures) by embeddings from the base model; and a targeted dataset
// for one pattern, written in the existing export formats.
import { request } from './messages.js';
import { s } from './params-schema.js';
import { EXPORT_FORMATS, ROLES, type ExportFormat, type ExportManifest, type Role } from './types.js';

export const FAILURE_KINDS = ['rejection', 'guard_stop', 'tool_error', 'critic_fail'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export interface FailurePatternsParams {
  /** Only failures of this role's work (default: every role). */
  role?: Role;
  /** Only failures recorded on or after this date (YYYY-MM-DD or an ISO time). */
  since?: string;
  /** A fixed number of patterns; by default chosen by the data (bounded). */
  k?: number;
  /** Include every failure in its pattern (`members`); by default only counts and examples. */
  members?: boolean;
}

/** One failure as a pattern lists it. */
export interface PatternMember {
  kind: FailureKind;
  text: string;
  taskId: string;
  subtaskId: string | null;
  stepId: number | null;
  role: Role;
  adapterVersion: number | null;
}

export interface FailurePattern {
  /** 1-based, in order of count (then label); stable for the same store and params. */
  id: number;
  /** Named after its most typical failures (closest to the pattern's centre). */
  label: string;
  count: number;
  byKind: Partial<Record<FailureKind, number>>;
  /** Failures per adapter version of the role that failed (null: the base model), oldest version first. */
  trend: { role: Role; version: number | null; count: number }[];
  /** Up to three of its most typical texts. */
  typical: string[];
  /** Up to five task ids, most typical first. */
  exampleTaskIds: string[];
  members?: PatternMember[];
}

export interface FailurePatternsResult {
  role: Role | 'all';
  since?: string;
  failures: number;
  /** How well the patterns separate (silhouette, 0 for a single pattern). */
  silhouette: number;
  patterns: FailurePattern[];
}

export interface PatternExportParams extends Omit<FailurePatternsParams, 'members'> {
  /** The pattern's id as `tandem patterns` listed it with the same role, since and k. */
  pattern: number;
  /** Default trl-kto: each failed step as an undesirable example, approved fixes as desirable ones. */
  format?: ExportFormat;
  /** Absolute folder the dataset and its manifest are written to. */
  out: string;
  split?: number;
}

export interface PatternExportResult {
  pattern: FailurePattern;
  manifest: ExportManifest & { pattern: { id: number; label: string; count: number; taskIds: string[] } };
  /** Where the dataset files and manifest.json are. */
  dir: string;
}

const patternFilter = { role: s.optional(s.oneOf(ROLES)), since: s.optional(s.string()), k: s.optional(s.number()) };

/** Extension/CLI: the recorded failures clustered into named patterns with counts, trend over adapter versions and example tasks. */
export const PatternsList = request<FailurePatternsParams, FailurePatternsResult>()('tandem/patterns/list',
  s.object({ ...patternFilter, members: s.optional(s.boolean()) }));

/** Extension/CLI: a targeted dataset of one pattern's tasks (its failed steps, and approved fixes where there are any). */
export const PatternsExport = request<PatternExportParams, PatternExportResult>()('tandem/patterns/export', s.object({
  ...patternFilter, pattern: s.number(), format: s.optional(s.oneOf(EXPORT_FORMATS)), out: s.string(), split: s.optional(s.number()),
}));

// Recorded failures and their embeddings into named patterns: k-means over the vectors (k chosen by the
// data unless given), each pattern named by its most typical failure, counted per kind and per adapter
// version of the role that failed, with example tasks. Wide embeddings are projected to a few hundred
// dimensions first (random-projection.ts). Pure: the store and the model are the caller's.
import type { FailurePattern, PatternMember } from '../protocol/failure-patterns.js';
import type { Role } from '../protocol/types.js';
import { clusterLabel, kMeans } from './kmeans.js';
import { projectVectors } from './random-projection.js';
import type { RecordedFailure } from './recorded-failures.js';

export interface PatternOptions {
  k?: number;
  kMax?: number;
  members?: boolean;
}

const TYPICAL = 3;
const EXAMPLE_TASKS = 5;

export function findFailurePatterns(
  failures: readonly RecordedFailure[], vectors: readonly Float32Array[], options: PatternOptions = {},
): { patterns: FailurePattern[]; silhouette: number } {
  if (failures.length !== vectors.length) throw new Error('internal: one vector per failure');
  const clustering = kMeans(projectVectors(vectors), { k: options.k, kMax: options.kMax, seed: 1 });
  const texts = failures.map((f) => f.text);
  const patterns = clustering.members.map((members): Omit<FailurePattern, 'id'> => {
    const byKind: FailurePattern['byKind'] = {};
    const perVersion = new Map<string, { role: Role; version: number | null; count: number }>();
    for (const index of members) {
      const failure = failures[index]!;
      byKind[failure.kind] = (byKind[failure.kind] ?? 0) + 1;
      const key = `${failure.role}/${failure.adapterVersion ?? 'base'}`;
      const entry = perVersion.get(key) ?? { role: failure.role, version: failure.adapterVersion, count: 0 };
      entry.count++;
      perVersion.set(key, entry);
    }
    const trend = [...perVersion.values()].sort((a, b) => a.role.localeCompare(b.role) || (a.version ?? 0) - (b.version ?? 0));
    return {
      label: clusterLabel(members, texts),
      count: members.length,
      byKind,
      trend,
      typical: [...new Set(members.map((index) => texts[index]!))].slice(0, TYPICAL),
      exampleTaskIds: [...new Set(members.map((index) => failures[index]!.taskId))].slice(0, EXAMPLE_TASKS),
      ...(options.members && { members: members.map((index) => memberOf(failures[index]!)) }),
    };
  });
  patterns.sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
  return { patterns: patterns.map((pattern, index) => ({ id: index + 1, ...pattern })), silhouette: clustering.silhouette };
}

function memberOf(failure: RecordedFailure): PatternMember {
  const { kind, text, taskId, subtaskId, stepId, role, adapterVersion } = failure;
  return { kind, text, taskId, subtaskId, stepId, role, adapterVersion };
}

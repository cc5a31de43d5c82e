// A varied store for export tests: tasks in two repos over several days, approved, merged,
// reverted, rejected, unreviewed, edited-then-approved, revised within a subtask and across
// rounds, a task recorded twice with identical content, and secrets planted in files.
import { fixedSource, recordTask, type TaskScenario } from './trajectory-scenarios.js';
import { TrajectoryStoreBuilder } from './trajectory-store-builder.js';

export const REPO_APP = '/srv/repos/app';
export const REPO_LIB = '/srv/repos/lib';
export const DAY = 86_400_000;
export const START = Date.UTC(2025, 2, 1);
export const PLANTED_SECRETS = ['AKIA' + 'QWERTYUIOPASDFGH', 'ghp_' + 'x1Y2z3W4v5U6t7S8r9Q0p1O2n3M4l5K6j7I8'];

export type Kind = 'merged' | 'approved' | 'reverted' | 'rejected' | 'unreviewed' | 'edited' | 'revised' | 'rounds';
export const KINDS: Kind[] = ['merged', 'approved', 'reverted', 'rejected', 'unreviewed', 'edited', 'revised', 'rounds'];

export interface CorpusTask { id: string; kind: Kind; repo: string; createdAt: number }

export function buildCorpus(path: string, taskCount = 32): CorpusTask[] {
  const b = TrajectoryStoreBuilder.create(path);
  const repos = { [REPO_APP]: b.repo(REPO_APP, 'git@example.com:acme/app.git'), [REPO_LIB]: b.repo(REPO_LIB, null) };
  const tasks: CorpusTask[] = [];
  for (let i = 0; i < taskCount; i++) {
    const kind = KINDS[i % KINDS.length]!;
    const repo = i % 3 === 0 ? REPO_LIB : REPO_APP;
    const task = { id: `task-${String(i).padStart(3, '0')}-${kind}`, kind, repo, createdAt: START + i * DAY };
    recordTask(b, scenario(task, repos[repo]!, `src/mod${i}/range.ts`, i));
    tasks.push(task);
  }
  // The same work recorded twice: its records are exact duplicates apart from provenance.
  const twin = { id: 'task-twin', kind: 'approved' as const, repo: REPO_APP, createdAt: START + taskCount * DAY };
  recordTask(b, scenario(twin, repos[REPO_APP]!, 'src/mod1/range.ts', 1));
  tasks.push(twin);
  b.close();
  return tasks;
}

function scenario(task: CorpusTask, repoId: number, file: string, i: number): TaskScenario {
  const good = fixedSource(file);
  const weak = fixedSource(file, 'Error');
  const base = { id: task.id, repoId, createdAt: task.createdAt, file, planted: i % 4 === 1 ? `const AWS_KEY = "${PLANTED_SECRETS[0]}"; // ${PLANTED_SECRETS[1]}` : undefined };
  switch (task.kind) {
    case 'merged': return { ...base, rounds: [{ versions: [{ content: good, verdict: 'approve' }] }], signal: 'merged' };
    case 'approved': return { ...base, rounds: [{ versions: [{ content: good, verdict: 'approve' }] }] };
    case 'reverted': return { ...base, rounds: [{ versions: [{ content: good, verdict: 'approve' }] }], signal: 'reverted' };
    case 'rejected': return { ...base, rounds: [{ versions: [{ content: weak, verdict: 'reject', reason: 'Throw a RangeError, not Error.' }] }] };
    case 'unreviewed': return { ...base, rounds: [{ versions: [{ content: good, verdict: null }] }] };
    case 'edited': return { ...base, rounds: [{ versions: [{ content: good, verdict: 'approve_with_edits', edited: good + '\nexport const RANGE_VERSION = 2;\n' }] }] };
    case 'revised': return { ...base, rounds: [{ versions: [{ content: weak, verdict: 'reject', reason: 'Use RangeError.' }, { content: good, verdict: 'approve' }] }] };
    case 'rounds': return {
      ...base,
      rounds: [{ versions: [{ content: weak, verdict: 'reject', reason: 'Wrong error type.' }] }, { versions: [{ content: good, verdict: 'approve' }] }],
      signal: 'merged',
    };
  }
}

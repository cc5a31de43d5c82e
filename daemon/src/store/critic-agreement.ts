// How often the critic agreed with the human. A critic verdict "passes" a result (verdictPasses); the
// human approved it when any file of the round's reviewed diff was approved, as in stats.ts. Per
// subtask only the verdict the orchestrator last saw counts (the one on the version that stayed), and
// only subtasks whose round was reviewed. Precision: of the results the critic passed, the share the
// human approved; recall: of the results the human approved, the share the critic passed.
import { verdictPasses } from '../agents/critic-verdict.js';
import type { CriticAgreement } from '../protocol/critic-stats.js';
import type { CriticVerdict } from '../protocol/types.js';
import type { Store } from './open-store.js';

interface CriticRow {
  id: number;
  task_id: string;
  subtask_id: string | null;
  round: number;
  adapter_version: number | null;
  action_json: string;
}

export function criticAgreement(store: Store): CriticAgreement[] {
  const rows = store.db.prepare(`SELECT id, task_id, subtask_id, round, adapter_version, action_json FROM steps
    WHERE role = 'critic' AND action_json IS NOT NULL ORDER BY id`).all() as CriticRow[];
  const last = new Map<string, CriticRow>();
  for (const row of rows) last.set(row.subtask_id ?? `${row.task_id}:${row.round}:${row.id}`, row);
  const approvedOf = store.db.prepare(`SELECT MAX(r.verdict IN ('approve', 'approve_with_edits')) FROM reviews r JOIN diffs d ON d.id = r.diff_id
    WHERE d.task_id = ? AND d.round = ?`).pluck();

  const byVersion = new Map<number | null, CriticAgreement>();
  for (const row of last.values()) {
    const approved = approvedOf.get(row.task_id, row.round) as number | null;
    if (approved === null) continue; // not reviewed (yet)
    const verdict = (JSON.parse(row.action_json) as { args: CriticVerdict }).args;
    const figures = byVersion.get(row.adapter_version) ?? emptyAgreement(row.adapter_version);
    byVersion.set(row.adapter_version, figures);
    const passed = verdictPasses(verdict);
    figures.judged++;
    if (passed && approved) figures.truePositives++;
    else if (passed) figures.falsePositives++;
    else if (approved) figures.falseNegatives++;
    else figures.trueNegatives++;
  }
  return [...byVersion.values()].sort((a, b) => (a.version ?? 0) - (b.version ?? 0)).map(withRates);
}

function emptyAgreement(version: number | null): CriticAgreement {
  return { version, judged: 0, truePositives: 0, falsePositives: 0, falseNegatives: 0, trueNegatives: 0, precision: null, recall: null };
}

function withRates(a: CriticAgreement): CriticAgreement {
  const passed = a.truePositives + a.falsePositives;
  const approved = a.truePositives + a.falseNegatives;
  return { ...a, precision: passed ? a.truePositives / passed : null, recall: approved ? a.truePositives / approved : null };
}

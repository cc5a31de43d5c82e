// Attempt groups as training data. The attempts at one delegation share a prompt (the worker's brief,
// made from the same worktree state) and differ in their completions; each gets a reward:
//   reward = mean of the parts that exist, each in [0, 1]:
//     critic: (score - 1) / 4 from the critic's 1-5 score of the attempt;
//     human:  1 when the kept attempt's round was approved (or merged), 0 when rejected (or reverted);
//             only the kept attempt reached the human, so only it has this part.
// A group where no attempt has any part is left out. DPO pairs take the best against the worst of a
// group, when their rewards differ.
import type { AttemptRow } from './store-reader.js';
import { isNegative, meetsMinSignal } from './task-outcome.js';
import type { GroupExample, Label, PreferenceExample, TrajectoryUnit } from './trajectory.js';

export const REWARD_DEFINITION = 'mean of the available parts, each in [0, 1]: critic = (score - 1) / 4 from the critic\'s 1-5 score of the attempt; '
  + 'human = 1 if the kept attempt\'s round was approved or merged, 0 if rejected or reverted (only the kept attempt reached the human). '
  + 'Groups where no attempt has either part are left out.';

/** A task's attempts, and the human's label of a round (its whole diff), which only the kept attempt reached. */
export interface TaskAttempts {
  rows: AttemptRow[];
  roundLabel(round: number): Label;
}

export const NO_ATTEMPTS: TaskAttempts = { rows: [], roundLabel: () => 'unreviewed' };

export function attemptGroups(units: TrajectoryUnit[], source: TaskAttempts, minSignal: 'approved' | 'merged'): GroupExample[] {
  const attempts = source.rows;
  const bySubtask = new Map(attempts.map((a) => [a.subtask_id, a]));
  // An attempt's first version is the one made from the shared state; a revision of the kept one is not.
  const firstUnit = new Map<string, TrajectoryUnit>();
  for (const unit of units) {
    const id = unit.provenance.subtask_id;
    if (unit.role === 'worker' && id && bySubtask.has(id) && !firstUnit.has(id)) firstUnit.set(id, unit);
  }
  const groups = new Map<string, { row: AttemptRow; unit: TrajectoryUnit }[]>();
  for (const [id, unit] of firstUnit) {
    const row = bySubtask.get(id)!;
    groups.set(row.group_id, [...(groups.get(row.group_id) ?? []), { row, unit }]);
  }
  const out: GroupExample[] = [];
  for (const [groupId, members] of groups) {
    if (members.length < 2) continue;
    members.sort((a, b) => a.row.attempt - b.row.attempt);
    const prompt = members[0]!.unit.prompt;
    if (members.some((m) => JSON.stringify(m.unit.prompt) !== JSON.stringify(prompt))) continue; // not one prompt: not a group
    const human = source.roundLabel(members[0]!.unit.provenance.round);
    const rewards = members.map((m) => reward(m.row, human, minSignal));
    if (rewards.every((r) => r === null)) continue;
    const kept = members.find((m) => m.row.chosen) ?? members[0]!;
    out.push({
      kind: 'group', role: 'worker', prompt,
      completions: members.map((m) => m.unit.completion),
      // An attempt with no part of its own gets the group's lowest: nobody vouched for it.
      rewards: rewards.map((r) => r ?? Math.min(...rewards.filter((x): x is number => x !== null))),
      metadata: {
        ...kept.unit.provenance, label: human,
        group: {
          id: groupId,
          attempts: members.map((m) => ({
            subtask_id: m.row.subtask_id, attempt: m.row.attempt, critic_score: m.row.score, chosen: m.row.chosen === 1,
            label: m.row.chosen ? human : 'unreviewed',
          })),
        },
      },
    });
  }
  return out;
}

/** Best against worst of each group whose rewards differ. */
export function groupPairs(groups: GroupExample[]): PreferenceExample[] {
  const pairs: PreferenceExample[] = [];
  for (const group of groups) {
    const best = group.rewards.indexOf(Math.max(...group.rewards));
    const worst = group.rewards.indexOf(Math.min(...group.rewards));
    if (group.rewards[best] === group.rewards[worst]) continue;
    const loser = group.metadata.group.attempts[worst]!;
    pairs.push({
      kind: 'preference', role: group.role, prompt: group.prompt,
      chosen: group.completions[best]!, rejected: group.completions[worst]!,
      metadata: { ...group.metadata, pair: { kind: 'attempts', rejected: { ...group.metadata, subtask_id: loser.subtask_id, label: loser.label } } },
    });
  }
  return pairs;
}

function reward(row: AttemptRow, human: Label, minSignal: 'approved' | 'merged'): number | null {
  const parts: number[] = [];
  if (row.score !== null) parts.push((row.score - 1) / 4);
  if (row.chosen) {
    if (meetsMinSignal(human, minSignal)) parts.push(1);
    else if (isNegative(human)) parts.push(0);
  }
  return parts.length ? parts.reduce((a, b) => a + b, 0) / parts.length : null;
}

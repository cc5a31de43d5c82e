// Preference data from versions of the same work. A DPO pair is one approved and one rejected
// version of a subtask (or of a task's rounds, for the orchestrator); the chosen side carries the
// user's edits when they edited before approving. An approval with edits and no rejected sibling
// still pairs the user's version against the worker's own (kind kept_hunks when the user only
// dropped some of its hunks). Units left unpaired go to KTO, and so does each kept or dropped hunk.
// A version that a context break split (compaction cut its prompt mid-round) is represented by its
// first unit, and such a pair compares only the action each version opened with: later actions were
// given compacted contexts, and sides of unequal extent would be scored unevenly.
import { isNegative, meetsMinSignal } from './task-outcome.js';
import { hunkExamples } from './kept-hunks.js';
import type { PairKind, PreferenceExample, Provenance, TrajectoryMessage, TrajectoryUnit, UnpairedExample } from './trajectory.js';

/** What each `metadata.pair.kind` means (manifest.json's `pairKinds`). */
export const PAIR_KINDS: Record<PairKind, string> = {
  versions: 'chosen: the approved version of a subtask (or round); rejected: a rejected version of the same work',
  user_edit: "chosen: the work with the file as the user edited it before approving; rejected: the agent's own version",
  kept_hunks: "chosen: the work with only the hunks the user kept (each kept hunk as one edit_file call); rejected: the agent's whole change",
  attempts: 'chosen: the best-rewarded attempt of a group; rejected: the worst',
};

export function preferencePairs(units: TrajectoryUnit[], minSignal: 'approved' | 'merged'): { pairs: PreferenceExample[]; paired: Set<TrajectoryUnit> } {
  const pairs: PreferenceExample[] = [];
  const paired = new Set<TrajectoryUnit>();
  for (const group of groupBy(units.filter((u) => u.versionStart), (u) => u.pairKey)) {
    // The latest approved version is the answer the work converged on.
    const chosen = group.filter((u) => meetsMinSignal(u.provenance.label, minSignal)).at(-1);
    if (!chosen) continue;
    const rejected = group.filter((u) => isNegative(u.provenance.label));
    for (const loser of rejected) {
      const first = group.indexOf(loser) < group.indexOf(chosen) ? loser : chosen;
      const pair = chosen.wholeVersion && loser.wholeVersion
        ? makePair(first.prompt, chosen, chosen.completion, loser, loser.completion, 'versions')
        : openingPair(first.prompt, chosen, loser);
      if (pair) { pairs.push(pair); paired.add(chosen).add(loser); }
    }
    if (!rejected.length && chosen.original && chosen.wholeVersion) {
      const pair = makePair(chosen.prompt, chosen, chosen.completion, chosen, chosen.original, chosen.originalKind ?? 'user_edit');
      if (pair) { pairs.push(pair); paired.add(chosen); }
    }
  }
  return { pairs, paired };
}

/**
 * KTO examples: approved units (label true) and rejected ones (false) that no pair used, and one
 * example per hunk of a file whose hunks the user decided one by one (kept: true, dropped: false).
 */
export function unpairedExamples(units: TrajectoryUnit[], paired: Set<TrajectoryUnit>, minSignal: 'approved' | 'merged'): UnpairedExample[] {
  const out: UnpairedExample[] = [];
  for (const unit of units) {
    // A kept hunk is good only as far as the work is (a reverted change takes it along); a dropped one is bad either way.
    out.push(...hunkExamples(unit).filter((e) => !e.label || meetsMinSignal(unit.provenance.label, minSignal)));
    if (paired.has(unit)) continue;
    const good = meetsMinSignal(unit.provenance.label, minSignal);
    if (!good && !isNegative(unit.provenance.label)) continue;
    out.push({ kind: 'unpaired', role: unit.role, prompt: unit.prompt, completion: unit.completion, label: good, metadata: unit.provenance });
  }
  return out;
}

/**
 * Turns both sides share are moved into the prompt: they carry no preference, and some trainers
 * (OpenAI) take the preferred output from the point where the sides differ. Null when they never differ.
 */
function makePair(
  prompt: TrajectoryMessage[], winner: TrajectoryUnit, chosen: TrajectoryMessage[], loser: TrajectoryUnit, rejected: TrajectoryMessage[],
  kind: Exclude<PairKind, 'attempts'>,
): PreferenceExample | null {
  let shared = 0;
  while (shared < chosen.length && shared < rejected.length && sameMessage(chosen[shared]!, rejected[shared]!)) shared++;
  // Both sides start at a call, never at a result whose call was moved into the prompt.
  while (shared > 0 && (chosen[shared]?.role === 'tool' || rejected[shared]?.role === 'tool')) shared--;
  if (shared === chosen.length || shared === rejected.length) return null;
  return {
    kind: 'preference', role: winner.role,
    prompt: [...prompt, ...chosen.slice(0, shared)],
    chosen: chosen.slice(shared),
    rejected: rejected.slice(shared),
    metadata: { ...winner.provenance, pair: { kind, rejected: loser.provenance } },
  };
}

/** The first action of each version against each other; the pair's step ids are those two steps. */
function openingPair(prompt: TrajectoryMessage[], winner: TrajectoryUnit, loser: TrajectoryUnit): PreferenceExample | null {
  const opening = (unit: TrajectoryUnit) => unit.completion.slice(0, 1);
  const pair = makePair(prompt, winner, opening(winner), loser, opening(loser), 'versions');
  if (!pair) return null;
  const firstStep = (p: Provenance) => ({ ...p, step_ids: p.step_ids.slice(0, 1) });
  return { ...pair, metadata: { ...firstStep(pair.metadata), pair: { ...pair.metadata.pair, rejected: firstStep(loser.provenance) } } };
}

function sameMessage(a: TrajectoryMessage, b: TrajectoryMessage): boolean {
  return JSON.stringify(comparable(a)) === JSON.stringify(comparable(b));
}

// Call ids differ between versions (they name steps); what was said is what matters.
function comparable(m: TrajectoryMessage): unknown {
  if (m.role === 'assistant') return [m.role, m.content, m.toolCall?.name, m.toolCall?.arguments];
  if (m.role === 'tool') return [m.role, m.name, m.content];
  return [m.role, m.content];
}

function groupBy<T>(items: T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item); else groups.set(k, [item]);
  }
  return [...groups.values()];
}

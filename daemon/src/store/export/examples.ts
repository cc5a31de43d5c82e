// Chooses a task's examples for a kind of dataset: SFT takes the approved units (per --min-signal),
// DPO the preference pairs, KTO the approved and rejected units no pair used, GRPO the groups of attempts.
import { attemptGroups, groupPairs, NO_ATTEMPTS, type TaskAttempts } from './attempt-groups.js';
import { preferencePairs, unpairedExamples } from './preference-pairs.js';
import { meetsMinSignal } from './task-outcome.js';
import type { Example, TrajectoryUnit } from './trajectory.js';

export function examplesOf(kind: Example['kind'], units: TrajectoryUnit[], minSignal: 'approved' | 'merged', attempts: TaskAttempts = NO_ATTEMPTS): Example[] {
  switch (kind) {
    case 'sft':
      return units
        .filter((u) => meetsMinSignal(u.provenance.label, minSignal))
        .map((u) => ({ kind: 'sft', role: u.role, messages: [...u.prompt, ...u.completion], metadata: u.provenance }));
    case 'preference':
      // Versions of the same work, and the best against the worst of each group of attempts.
      return [...preferencePairs(units, minSignal).pairs, ...groupPairs(attemptGroups(units, attempts, minSignal))];
    case 'unpaired':
      return unpairedExamples(units, preferencePairs(units, minSignal).paired, minSignal);
    case 'group':
      return attemptGroups(units, attempts, minSignal);
  }
}

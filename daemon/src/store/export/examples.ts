// Chooses a task's examples for a kind of dataset: SFT takes the approved units (per --min-signal),
// DPO the preference pairs, KTO the approved and rejected units no pair used.
import { preferencePairs, unpairedExamples } from './preference-pairs.js';
import { meetsMinSignal } from './task-outcome.js';
import type { Example, TrajectoryUnit } from './trajectory.js';

export function examplesOf(kind: Example['kind'], units: TrajectoryUnit[], minSignal: 'approved' | 'merged'): Example[] {
  switch (kind) {
    case 'sft':
      return units
        .filter((u) => meetsMinSignal(u.provenance.label, minSignal))
        .map((u) => ({ kind: 'sft', role: u.role, messages: [...u.prompt, ...u.completion], metadata: u.provenance }));
    case 'preference':
      return preferencePairs(units, minSignal).pairs;
    case 'unpaired':
      return unpairedExamples(units, preferencePairs(units, minSignal).paired, minSignal);
  }
}

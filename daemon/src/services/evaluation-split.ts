// Which split an evaluation or a promotion scores on. `train --run` evaluates its adapter on the split
// it trained with; a later `adapters promote` or `tandem eval` without --split reuses the split stored
// with the version's last evaluation, so the gate compares the same held-out tasks the training held
// out (instead of the default's, which may hold too few). A --split that differs from it is allowed
// but said plainly.
import type { AdapterEvaluation } from '../protocol/adapter-evaluation.js';
import { DEFAULT_TRAIN_FRACTION } from '../store/export/held-out-examples.js';

export interface SplitChoice {
  split: number;
  /** Set when the split given differs from the one the version was last evaluated with. */
  note: string | null;
}

/** `recorded`: the version's newest stored evaluation, if any (older ones carry no split). */
export function evaluationSplit(given: number | undefined, recorded: AdapterEvaluation | undefined, name: string): SplitChoice {
  const previous = recorded?.split;
  if (given === undefined) return { split: previous ?? DEFAULT_TRAIN_FRACTION, note: null };
  if (previous === undefined || previous === given) return { split: given, note: null };
  return {
    split: given,
    note: `${name} was last evaluated with --split ${previous} (the split it was trained with, if it came from tandem train); this used --split ${given}, so other tasks are held out. Drop --split to reuse ${previous}.`,
  };
}

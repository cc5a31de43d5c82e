// The critic's agreement with the human, as `tandem stats` and the Show Stats command report it.

/** Per critic adapter version (null: the base model): its verdicts against the human's, over reviewed rounds. */
export interface CriticAgreement {
  version: number | null;
  /** Subtasks whose last critic verdict met a human verdict. */
  judged: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
  /** Of the results the critic passed, the share the human approved; null when it passed none. */
  precision: number | null;
  /** Of the results the human approved, the share the critic passed; null when the human approved none. */
  recall: number | null;
}

// The rounds of a task, sent with TaskGet's result: each round after the first was started by the
// human's rejection, whose reason is its feedback. An addition to TaskDetail that older clients ignore.
import type { TaskDetail } from './types.js';

export interface RoundRecord {
  round: number;
  /** The rejection reason that started this round; null for the first. */
  feedback: string | null;
  startedAt: string;
}

export type TaskDetailWithRounds = TaskDetail & { rounds?: RoundRecord[] };

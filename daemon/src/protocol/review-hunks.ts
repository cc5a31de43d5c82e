// Per-hunk review: where each of the agent's hunks of a file stands in the worktree now, and dropping
// one (the worktree's copy gets the base's lines back), so approval records it as dropped.
import { request } from './messages.js';
import { s } from './params-schema.js';

/** What the user did with one of the agent's hunks in a file they approved. */
export type HunkDecision = 'kept' | 'dropped' | 'edited';

export interface HunkState {
  /** The hunk's index in the reviewed diff's file. */
  index: number;
  /** As the worktree's file stands now; approval records the same. */
  decision: HunkDecision;
  /** Its first line in the worktree's file now (1-based), where a code lens goes. */
  line: number;
}

/** Extension: the agent's hunks of a file under review and what the user has done with each so far. */
export const ReviewHunks = request<{ taskId: string; path: string }, HunkState[]>()(
  'tandem/review/hunks', s.object({ taskId: s.string(), path: s.string() }));

/** Extension: drop one of the agent's hunks: the worktree's file gets the base's lines back there. */
export const ReviewDropHunk = request<{ taskId: string; path: string; index: number }, HunkState[]>()(
  'tandem/review/dropHunk', s.object({ taskId: s.string(), path: s.string(), index: s.number() }));

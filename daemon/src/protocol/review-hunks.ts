// Per-hunk review decisions, shared by the daemon's store and the clients that show them.

/** What the user did with one of the agent's hunks in a file they approved. */
export type HunkDecision = 'kept' | 'dropped' | 'edited';

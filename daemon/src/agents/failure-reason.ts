// Why a task failed, in words the user can act on. A full disk is the case worth naming: SQLite says
// "database or disk is full" and git "No space left on device", neither of which says what to do.

/** Error codes of a write that found no room: SQLite's, and the file system's (EFBIG: a file size limit). */
const NO_ROOM = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT', 'EFBIG']);
const NO_ROOM_TEXT = /database or disk is full|no space left on device|disk quota exceeded|file too large/i;

export function isDiskFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && NO_ROOM.has(code)) return true;
  return NO_ROOM_TEXT.test(error instanceof Error ? error.message : String(error));
}

/** One sentence for a task.state event and `tandem task`: what went wrong and, for a full disk, the fix. */
export function failureReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (!isDiskFull(error)) return `The task failed: ${message}`;
  return `The disk is full (${message}): Tandem could not record the task's next step, so it stopped. `
    + 'Free some space on the disk that holds Tandem\'s home (TANDEM_HOME) and the task\'s worktree, then start the task again; '
    + 'what was recorded before is kept.';
}

// A workspace failure the user can act on (not a repo, no commits yet, a task id that is not safe
// as a branch and folder name). The composition root maps it to ErrorCodes.WorkspaceViolation.
export class WorkspaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkspaceError';
  }
}

// Task ids become a branch name and a folder name, so only plain characters are allowed.
const TASK_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

export function checkTaskId(taskId: string): void {
  if (!TASK_ID.test(taskId)) {
    throw new WorkspaceError(`task id "${taskId}" is not usable as a branch name: use letters, digits, '-' and '_' (at most 100)`);
  }
}

// A task that fails says why where the user looks: a notification, not only the daemon's log. The
// reason comes in the task.state event itself, since the store write may be what failed (a full disk).
import * as vscode from 'vscode';
import type { TaskEvent } from '../../daemon/src/protocol/events.js';

export function showTaskFailure(event: TaskEvent): void {
  if (event.type !== 'task.state' || event.state !== 'failed' || !event.reason) return;
  void vscode.window.showErrorMessage(`Tandem: task ${event.taskId} failed. ${event.reason}`, 'Open Panel').then((choice) => {
    if (choice) void vscode.commands.executeCommand('tandem.openPanel');
  });
}

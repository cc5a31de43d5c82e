// Tasks waiting for review with a diff the test chose, made before the daemon starts, by the
// project's own code: a task recorded as running (the store's recorder) with its worktree
// (createTaskWorktree) holding the agent's edits. The daemon finds it interrupted on start and offers
// its changes for review like any round, so tests never depend on what the random model writes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tandemPaths } from '../../../daemon/src/paths.js';
import type { AgentAction } from '../../../daemon/src/protocol/types.js';
import { openStore } from '../../../daemon/src/store/open-store.js';
import { StoreTrajectoryRecorder } from '../../../daemon/src/store/trajectory-recorder.js';
import { createTaskWorktree } from '../../../daemon/src/workspace/task-worktree.js';

export interface ReviewCase {
  taskId: string;
  prompt: string;
  /** Files as the agent leaves them in the task's worktree, by path. */
  agentFiles: Record<string, string>;
  /** Record the agents' steps too (an orchestrator's delegation, a worker's write_file), for the replay. */
  withSteps?: boolean;
}

export async function makeReviewCases(tandemHome: string, repoPath: string, cases: ReviewCase[]): Promise<void> {
  const paths = tandemPaths({ TANDEM_HOME: tandemHome });
  const store = openStore(paths.database);
  try {
    const recorder = new StoreTrajectoryRecorder(store);
    for (const c of cases) {
      const worktree = await createTaskWorktree({ repoPath, taskId: c.taskId, worktreesDir: paths.worktrees });
      recorder.startTask({
        taskId: c.taskId, prompt: c.prompt, repoPath, baseCommit: worktree.baseCommit, branch: worktree.branch, promptVersion: 'e2e', baseModelSha: 'e2e',
      });
      recorder.startRound(c.taskId, 1, null);
      for (const [path, content] of Object.entries(c.agentFiles)) writeFileSync(join(worktree.root, path), content);
      if (c.withSteps) recordSteps(recorder, c);
    }
  } finally {
    store.close();
  }
}

/** Two recorded steps as the agents' loop records them: what a replay steps through. */
function recordSteps(recorder: StoreTrajectoryRecorder, c: ReviewCase): void {
  const [path, content] = Object.entries(c.agentFiles)[0]!;
  const step = (role: 'orchestrator' | 'worker', action: AgentAction) => recorder.recordStep({
    taskId: c.taskId, subtaskId: null, round: 1, role, adapter: { role, version: null, sha256: null }, promptVersion: 'e2e',
    messages: [{ role: 'user', content: c.prompt }], output: JSON.stringify(action), action,
    tokensIn: 10, tokensOut: 10, tokensReused: 0, latencyMs: 1, stopReason: 'stop', state: 'done',
  });
  step('orchestrator', { tool: 'delegate', args: { instruction: c.prompt, files: [path] } });
  step('worker', { tool: 'write_file', args: { path, content } });
}

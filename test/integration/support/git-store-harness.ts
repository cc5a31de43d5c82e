// The agent harness over the real parts: a git repository made in a temp folder, the task's own
// worktree (createTaskWorktree), the real worker tools with an allowlist, and a SQLite store written
// through StoreTrajectoryRecorder. The same scenarios that run on the in-memory fakes run on this.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ToolExecutor } from '../../../daemon/src/agents/ports.js';
import { createWorkerTools } from '../../../daemon/src/agents/tools/tool-executor.js';
import { openStore, type Store } from '../../../daemon/src/store/open-store.js';
import { StoreTrajectoryRecorder } from '../../../daemon/src/store/trajectory-recorder.js';
import { createTaskWorktree } from '../../../daemon/src/workspace/task-worktree.js';
import { removeTaskWorktree } from '../../../daemon/src/workspace/worktree-cleanup.js';
import type { AgentHarness, HarnessFactory } from '../../agents/harness.js';
import { allowUnsandboxedWhenNoSandbox } from './sandbox.js';
import { StoreProbe } from './store-probe.js';
import { initRepo } from './temp-repo.js';

/** The only command the worker may run in these tests: it exists everywhere and changes nothing. */
export const TEST_ALLOWLIST = ['echo ok'];

/** Where one or more tasks run: a user's repository, Tandem's worktrees folder and store, and a sentinel folder. */
export interface HarnessSite {
  /** Everything below lives here; nested a few levels deep so a `../` escape still lands inside it. */
  root: string;
  repo: string;
  worktrees: string;
  /** A folder beside the worktrees that no task has any business writing to. */
  sentinel: string;
  store: Store;
  recorder: StoreTrajectoryRecorder;
  probe: StoreProbe;
  tools: ToolExecutor;
  remove(): void;
}

export function makeSite(files: Record<string, string>): HarnessSite {
  const root = mkdtempSync(join(tmpdir(), 'tandem-agents-'));
  const home = join(root, 'a', 'b', 'c');
  const repo = join(home, 'repo');
  const sentinel = join(home, 'sentinel');
  mkdirSync(repo, { recursive: true });
  mkdirSync(sentinel);
  writeFileSync(join(sentinel, 'keep.txt'), 'nothing writes here\n');
  initRepo(repo, files);
  const store = openStore(join(home, 'store', 'tandem.db'));
  // The scenarios are about the loop, not the sandbox: without bubblewrap here `echo ok` still runs.
  const undoUnsandboxed = allowUnsandboxedWhenNoSandbox();
  return {
    root, repo, worktrees: join(home, 'worktrees'), sentinel, store,
    recorder: new StoreTrajectoryRecorder(store),
    probe: new StoreProbe(store),
    tools: createWorkerTools({ allowlist: () => TEST_ALLOWLIST, limits: { runTimeoutMs: 10_000 } }),
    remove: () => {
      store.close();
      undoUnsandboxed();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A task on a site: its worktree is made now; cleanup removes the worktree and its branch, and leaves the site. */
export async function taskOnSite(site: HarnessSite, taskId: string): Promise<AgentHarness> {
  const workspace = await createTaskWorktree({ repoPath: site.repo, taskId, worktreesDir: site.worktrees });
  return {
    recorder: site.recorder,
    probe: site.probe,
    workspace,
    tools: site.tools,
    repoPath: site.repo,
    userFile: async (path) => {
      try {
        return readFileSync(join(site.repo, path), 'utf8');
      } catch {
        return null;
      }
    },
    cleanup: () => removeTaskWorktree({ repoPath: site.repo, taskId, worktreesDir: site.worktrees }),
  };
}

/** A fresh site per task; cleanup removes all of it. */
export const gitStoreHarness: HarnessFactory = async (taskId, files) => {
  const site = makeSite(files);
  try {
    const harness = await taskOnSite(site, taskId);
    return { ...harness, cleanup: async () => site.remove() };
  } catch (error) {
    site.remove();
    throw error;
  }
};

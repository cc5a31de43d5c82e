// Sites for the agent fuzz: a new repository (and store) every few tasks, each task in its own
// worktree. Around each task the whole site is snapshotted, so a write anywhere outside the task's
// worktree shows up on disk, whatever the tools reported: the user's files, index and HEAD, the
// sentinel folder beside the worktrees, and the folders above them.
import assert from 'node:assert/strict';
import { dirname, relative } from 'node:path';
import type { AgentHarness, HarnessFactory } from '../../agents/harness.js';
import { makeSite, taskOnSite, type HarnessSite } from './git-store-harness.js';
import { git } from './temp-repo.js';
import { snapshotTree, treeChanges, unexpectedChanges, type TreeSnapshot } from './tree-snapshot.js';

// Git adds objects when it computes a task's diff (through a private index), and deleting the task's
// branch may write packed-refs (the refs themselves are compared below); the store changes every step.
function expectedChanges(site: HarnessSite): (path: string) => boolean {
  const gitDir = `${relative(site.root, site.repo)}/.git/`;
  const storeDir = `${relative(site.root, dirname(site.store.path))}/`;
  return (path) => path.startsWith(`${gitDir}objects/`) || path === `${gitDir}packed-refs` || path.startsWith(storeDir);
}

const userRefs = (repo: string): string => git(repo, ['for-each-ref', '--format=%(refname) %(objectname)']);

export class FuzzSites {
  private site: HarnessSite | null = null;
  private tasksOnSite = 0;
  private before: TreeSnapshot | null = null;
  private mayChange: (path: string) => boolean = () => false;
  /** The site's branches and tags when it was made; no task may leave one behind or move one. */
  private refs = '';
  sitesMade = 0;

  constructor(private readonly tasksPerSite: number) {}

  readonly factory: HarnessFactory = async (taskId, files) => {
    if (!this.site || this.tasksOnSite === this.tasksPerSite) {
      this.site?.remove();
      this.site = makeSite(files);
      this.refs = userRefs(this.site.repo);
      this.mayChange = expectedChanges(this.site);
      this.tasksOnSite = 0;
      this.sitesMade++;
    }
    this.tasksOnSite++;
    const site = this.site;
    this.before = snapshotTree(site.root, { presenceOnly: this.mayChange });
    return taskOnSite(site, taskId);
  };

  /** After a task's worktree was removed: nothing else on the site changed, and the user's repository is as it was. */
  readonly checkTask = async (index: number, harness: AgentHarness): Promise<void> => {
    const site = this.site!;
    const before = this.before!;
    const after = snapshotTree(site.root, { presenceOnly: this.mayChange });
    // The user's files, .git/index and .git/HEAD are compared byte for byte here, the sentinel folder too.
    const unexpected = unexpectedChanges(treeChanges(before, after), this.mayChange);
    assert.deepEqual(unexpected, [], `task ${index} changed files outside its worktree ${harness.workspace.root}`);
    assert.equal(userRefs(site.repo), this.refs, `task ${index} left or moved a branch`);
  };

  close(): void {
    this.site?.remove();
    this.site = null;
  }
}

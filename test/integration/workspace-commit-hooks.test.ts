// `review --approve --commit` must not run a hook the agent edited: with core.hooksPath inside the
// repository (.githooks/, .husky/), an approved hook file would run during the very commit.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitApproved } from '../../daemon/src/workspace/commit-approved.js';
import { git, makeTempRepo, type TempRepo } from './support/temp-repo.js';

describe('committing approved changes: hooks the agent edited', () => {
  let t: TempRepo;
  const marker = () => join(t.home, 'hook-ran');

  beforeEach(() => {
    t = makeTempRepo({ '.githooks/pre-commit': '#!/bin/sh\nexit 0\n', 'src/a.txt': 'a\n' });
    chmodSync(join(t.repo, '.githooks/pre-commit'), 0o755);
    git(t.repo, ['config', 'core.hooksPath', '.githooks']);
  });
  afterEach(() => t.remove());

  it('does not commit, and so never runs, an approved change to a hook under core.hooksPath', async () => {
    const before = git(t.repo, ['rev-parse', 'HEAD']).trim();
    writeFileSync(join(t.repo, '.githooks/pre-commit'), `#!/bin/sh\ntouch ${marker()}\n`); // what approval wrote
    const outcome = await commitApproved(t.repo, ['.githooks/pre-commit'], 'task-1');
    assert.equal(outcome.ok, false);
    assert.match((outcome as { message: string }).message, /applied, but not committed: .*\.githooks\/pre-commit.* git hooks/);
    assert.ok(!existsSync(marker()), 'the edited hook ran');
    assert.equal(git(t.repo, ['rev-parse', 'HEAD']).trim(), before);
  });

  it('commits other approved files as before, with the repository\'s own hooks', async () => {
    writeFileSync(join(t.repo, '.githooks/pre-commit'), `#!/bin/sh\ntouch ${marker()}\n`);
    git(t.repo, ['commit', '-qam', 'the user\'s own hook']);
    writeFileSync(join(t.repo, 'src/a.txt'), 'b\n');
    const outcome = await commitApproved(t.repo, ['src/a.txt'], 'task-2');
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
    assert.ok(existsSync(marker()), "the user's hook still runs for an ordinary commit");
  });
});

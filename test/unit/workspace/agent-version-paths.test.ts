// The agent's frozen version of a file is found by its name, whatever the name: a worker (or a random
// model) can write a file whose name looks like git pathspec magic.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentFileAt } from '../../../daemon/src/workspace/agent-version.js';

describe('workspace: the agent version of a file with an odd name', () => {
  let root: string;
  let commit: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'tandem-agent-version-'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: root }).toString().trim();
    git('init', '-q');
    writeFileSync(join(root, ':(Lg}x'), 'magic-looking\n');
    writeFileSync(join(root, 'top'), 'the other file\n');
    git('add', '--', '.');
    git('commit', '-qm', 'files');
    commit = git('rev-parse', 'HEAD');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('reads a file whose name starts like pathspec magic as that file', async () => {
    const file = await agentFileAt(root, commit, ':(Lg}x');
    assert.equal(file.content?.toString(), 'magic-looking\n');
  });
});

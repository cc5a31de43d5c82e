// The worker's file tools on a real task worktree: every way out of the worktree is refused with a
// message the model can read, and list/read/search/write/edit do what they say.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ToolExecutor } from '../../daemon/src/agents/ports.js';
import { createWorkerTools } from '../../daemon/src/agents/tools/tool-executor.js';
import type { WorkerAction } from '../../daemon/src/protocol/types.js';
import { createTaskWorktree, type TaskWorktree } from '../../daemon/src/workspace/task-worktree.js';
import { makeTempRepo, numberedLines, type TempRepo } from './support/temp-repo.js';

describe('worker tools: files and the path guard', () => {
  let t: TempRepo;
  let task: TaskWorktree;
  let tools: ToolExecutor;
  let outside: string;
  const call = (action: WorkerAction) => tools.execute(task, action);

  beforeEach(async () => {
    t = makeTempRepo({
      'src/app.ts': 'const a = 1;\nconst b = 2;\nconst a2 = 1;\n',
      'src/dup.ts': 'x();\ny();\nx();\n',
      'long.txt': numberedLines(500),
      '.gitignore': 'node_modules/\n',
    });
    task = await createTaskWorktree({ repoPath: t.repo, taskId: 'tools', worktreesDir: t.worktrees });
    tools = createWorkerTools({ allowlist: () => [] });
    outside = join(t.home, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), 'secret\n');
    symlinkSync(join(outside, 'secret.txt'), join(task.root, 'link-out'));
    symlinkSync(outside, join(task.root, 'dir-out'));
    symlinkSync(join(task.root, 'src/app.ts'), join(task.root, 'link-in'));
    symlinkSync(join(task.root, '.git'), join(task.root, 'git-link'));
    symlinkSync(join(outside, 'missing.txt'), join(task.root, 'dangling'));
  });
  afterEach(() => t.remove());

  const escapes: [string, WorkerAction, RegExp][] = [
    ['../x', { tool: 'read_file', args: { path: '../x' } }, /uses "\.\."/],
    ['src/../../x', { tool: 'write_file', args: { path: 'src/../../x', content: 'x' } }, /uses "\.\."/],
    ['/etc/passwd', { tool: 'read_file', args: { path: '/etc/passwd' } }, /is absolute/],
    ['~/x', { tool: 'read_file', args: { path: '~/.bashrc' } }, /is absolute/],
    ['a symlink to outside', { tool: 'read_file', args: { path: 'link-out' } }, /outside the repository/],
    ['editing through a symlink to outside', { tool: 'edit_file', args: { path: 'link-out', search: 'secret', replace: 'pwned' } }, /outside the repository/],
    ['writing through a symlink to outside', { tool: 'write_file', args: { path: 'link-out', content: 'pwned' } }, /outside the repository/],
    ['a new file under a symlinked dir', { tool: 'write_file', args: { path: 'dir-out/new.txt', content: 'x' } }, /outside the repository/],
    ['a new folder under a symlinked dir', { tool: 'write_file', args: { path: 'dir-out/a/b/new.txt', content: 'x' } }, /outside the repository/],
    ['listing a symlinked dir', { tool: 'list_files', args: { path: 'dir-out' } }, /outside the repository/],
    ['.git/config', { tool: 'read_file', args: { path: '.git/config' } }, /inside \.git/],
    ['.GIT/hooks', { tool: 'write_file', args: { path: '.GIT/hooks/pre-commit', content: 'x' } }, /inside \.git/],
    ['a symlink into .git', { tool: 'read_file', args: { path: 'git-link' } }, /into \.git/],
    ['a dangling symlink', { tool: 'write_file', args: { path: 'dangling', content: 'x' } }, /target does not exist/],
    ['a NUL byte', { tool: 'read_file', args: { path: 'src/app.ts\0' } }, /NUL/],
    ['a path that is not a string', { tool: 'read_file', args: { path: 42 as unknown as string } }, /must be a string/],
  ];
  for (const [name, action, message] of escapes) {
    it(`refuses ${name}`, async () => {
      const record = await call(action);
      assert.equal(record.ok, false);
      assert.match(record.result, message);
      assert.equal(record.tool, action.tool);
      assert.equal(readFileSync(join(outside, 'secret.txt'), 'utf8'), 'secret\n');
      assert.ok(!existsSync(join(outside, 'new.txt')) && !existsSync(join(outside, 'a')) && !existsSync(join(outside, 'missing.txt')));
    });
  }

  it('follows a symlink that stays inside', async () => {
    const record = await call({ tool: 'read_file', args: { path: 'link-in' } });
    assert.equal(record.ok, true);
    assert.match(record.result, /const b = 2;/);
  });

  it('answers an unknown tool or damaged arguments without throwing', async () => {
    const unknown = await call({ tool: 'rm_rf', args: {} } as unknown as WorkerAction);
    assert.equal(unknown.ok, false);
    assert.match(unknown.result, /unknown tool "rm_rf"/);
    const damaged = await call({ tool: 'edit_file', args: null } as unknown as WorkerAction);
    assert.equal(damaged.ok, false);
  });

  it('lists files, leaving ignored ones out', async () => {
    mkdirSync(join(task.root, 'node_modules/pkg'), { recursive: true });
    writeFileSync(join(task.root, 'node_modules/pkg/index.js'), '');
    writeFileSync(join(task.root, 'src/new.ts'), '');
    const all = await call({ tool: 'list_files', args: { path: '.' } });
    assert.equal(all.ok, true);
    assert.match(all.result, /^src\/new\.ts$/m);
    assert.match(all.result, /^long\.txt$/m);
    assert.doesNotMatch(all.result, /node_modules/);
    const src = await call({ tool: 'list_files', args: { path: 'src' } });
    assert.deepEqual(src.result.split('\n'), ['src/app.ts', 'src/dup.ts', 'src/new.ts']);
  });

  it('reads a line range, and says how to read more', async () => {
    const range = await call({ tool: 'read_file', args: { path: 'long.txt', start_line: 10, end_line: 12 } });
    assert.equal(range.result, 'long.txt (lines 10-12 of 500)\nline 10\nline 11\nline 12\n[more: read_file with start_line 13]');
    const whole = await call({ tool: 'read_file', args: { path: 'long.txt' } });
    assert.match(whole.result, /^long\.txt \(lines 1-200 of 500\)/);
    assert.match(whole.result, /start_line 201\]$/);
    const past = await call({ tool: 'read_file', args: { path: 'long.txt', start_line: 900 } });
    assert.equal(past.ok, false);
    assert.match(past.result, /only 500 lines/);
  });

  it('searches text and regular expressions with git grep, new files included', async () => {
    writeFileSync(join(task.root, 'src/new.ts'), 'const a = 3;\n');
    const text = await call({ tool: 'search', args: { query: 'const a', regex: false } });
    assert.deepEqual(text.result.split('\n'), ['src/app.ts:1:const a = 1;', 'src/app.ts:3:const a2 = 1;', 'src/new.ts:1:const a = 3;']);
    const regex = await call({ tool: 'search', args: { query: 'const a[0-9]', regex: true } });
    assert.equal(regex.result, 'src/app.ts:3:const a2 = 1;');
    const none = await call({ tool: 'search', args: { query: 'nothing like this', regex: false } });
    assert.match(none.result, /No matches/);
    const bad = await call({ tool: 'search', args: { query: 'a(', regex: true } });
    assert.equal(bad.ok, false);
    assert.match(bad.result, /search failed/);
  });

  it('stops a search whose regular expression backtracks without end, at its limit or on cancel', async () => {
    // Minutes of backtracking for git grep on one short line (the defect took 25 s on 61 bytes).
    writeFileSync(join(task.root, 'slow.txt'), `${'a'.repeat(120)}X\n`);
    const costly = { tool: 'search', args: { query: '((a*)*)*\\2\\1b', regex: true } } as const;
    const limited = createWorkerTools({ allowlist: () => [], limits: { searchTimeoutMs: 300 } });
    const stopped = await limited.execute(task, costly);
    assert.equal(stopped.ok, false);
    assert.match(stopped.result, /search stopped after 0\.3 s: the regular expression is too costly/);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const cancelled = await tools.execute(task, costly, controller.signal);
    assert.equal(cancelled.ok, false);
    assert.match(cancelled.result, /the task was stopped; the search was cut short/);
  });

  it('writes new files in new folders and replaces existing ones', async () => {
    const created = await call({ tool: 'write_file', args: { path: 'src/deep/new.ts', content: 'a\nb\n' } });
    assert.equal(created.ok, true);
    assert.equal(created.result, 'Created src/deep/new.ts (2 lines).');
    assert.equal(readFileSync(join(task.root, 'src/deep/new.ts'), 'utf8'), 'a\nb\n');
    const replaced = await call({ tool: 'write_file', args: { path: 'src/app.ts', content: 'x\n' } });
    assert.match(replaced.result, /^Replaced/);
    assert.equal(readFileSync(join(t.repo, 'src/app.ts'), 'utf8'), 'const a = 1;\nconst b = 2;\nconst a2 = 1;\n', 'the user\'s tree is untouched');
  });

  it('edits an exact match once, literally', async () => {
    const record = await call({ tool: 'edit_file', args: { path: 'src/app.ts', search: 'const b = 2;', replace: 'const b = "$&$1";' } });
    assert.equal(record.ok, true);
    assert.equal(record.result, 'Edited src/app.ts at line 2.');
    assert.equal(readFileSync(join(task.root, 'src/app.ts'), 'utf8'), 'const a = 1;\nconst b = "$&$1";\nconst a2 = 1;\n');
  });

  it('refuses an edit whose search text is not found, with a hint', async () => {
    const record = await call({ tool: 'edit_file', args: { path: 'src/app.ts', search: 'const   b = 2;', replace: 'x' } });
    assert.equal(record.ok, false);
    assert.match(record.result, /not found in src\/app\.ts; nothing was changed/);
    assert.match(record.result, /similar line is at line 2/);
    const missing = await call({ tool: 'edit_file', args: { path: 'src/app.ts', search: 'zzz', replace: 'x' } });
    assert.match(missing.result, /copy the search text exactly/);
    assert.equal(readFileSync(join(task.root, 'src/app.ts'), 'utf8'), 'const a = 1;\nconst b = 2;\nconst a2 = 1;\n');
  });

  it('refuses an ambiguous edit, naming the lines', async () => {
    const record = await call({ tool: 'edit_file', args: { path: 'src/dup.ts', search: 'x();', replace: 'z();' } });
    assert.equal(record.ok, false);
    assert.match(record.result, /occurs 2 times in src\/dup\.ts \(lines 1, 3\)/);
    assert.match(record.result, /Include more surrounding lines/);
    assert.equal(readFileSync(join(task.root, 'src/dup.ts'), 'utf8'), 'x();\ny();\nx();\n');
  });

  it('bounds every output', async () => {
    const bounded = createWorkerTools({ allowlist: () => [], limits: { maxOutputChars: 300 } });
    writeFileSync(join(task.root, 'wide.txt'), 'w'.repeat(5000));
    const record = await bounded.execute(task, { tool: 'read_file', args: { path: 'wide.txt' } });
    assert.ok(record.result.length <= 300, `got ${record.result.length} characters`);
    assert.match(record.result, /characters cut/);
  });
});

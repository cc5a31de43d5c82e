// A small real git repo for the agents to work on, made fresh by each test run.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function makeTestRepo(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'test@tandem.invalid');
  git('config', 'user.name', 'Tandem Test');
  writeFileSync(join(dir, 'README.md'), '# Greeter\n\nSays hello.\n');
  writeFileSync(join(dir, 'greet.js'), 'export function greet(name) {\n  return "Hello " + name;\n}\n');
  git('add', '.');
  git('commit', '-q', '-m', 'Initial commit');
  return dir;
}

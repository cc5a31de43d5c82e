// False positives: real source files from node_modules (runtime code, type declarations, docs of
// packages this project installs anyway) go through all three redaction layers unchanged. They talk
// about tokens, passwords, sessions, credentials and auth all the time without holding a secret.
// `npm run bench -- redaction` measures the rate over a wider corpus, doc examples with credentials included.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Redactor } from '../../../daemon/src/store/export/redact.js';

const ROOT = join(import.meta.dirname, '../../../node_modules');
const PACKAGES = ['ws/lib', 'vscode-jsonrpc/lib', 'mocha/lib', 'undici-types', 'better-sqlite3/lib', 'simple-git/dist/cjs', 'esbuild/lib'];

export function sourceFiles(dirs: string[], maxBytes = 400_000): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else if (/\.(?:[cm]?js|ts|json|md)$/.test(name) && stat.size <= maxBytes) files.push(path);
    }
  };
  for (const dir of dirs) walk(join(ROOT, dir));
  return files;
}

describe('redaction leaves real code alone', () => {
  it('changes none of the source files of seven installed packages', async function () {
    this.timeout(120_000);
    const files = sourceFiles(PACKAGES);
    assert.ok(files.length >= 100, `only ${files.length} files found under node_modules`);
    const redactor = new Redactor();
    const changed: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const out = await redactor.text(text);
      if (out !== text) changed.push(`${file.slice(ROOT.length + 1)}: ${firstChangedLine(text, out)}`);
    }
    assert.deepEqual(changed, [], `${changed.length} of ${files.length} files changed`);
    assert.equal(redactor.count, 0);
  });
});

function firstChangedLine(before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  const i = b.findIndex((line, n) => line !== a[n]);
  return b[i]?.trim().slice(0, 160) ?? '';
}

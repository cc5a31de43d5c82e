// `npm run bench -- redaction`: the false-positive rate and the cost of export redaction over real
// source files from node_modules (runtime code, type declarations and docs, whose examples hold a few
// credential-shaped strings on purpose). Cost is a ratio against JSON.stringify of the same text,
// which every export pays anyway, measured in the same run; the split shows what secretlint adds.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Redactor, redactText } from '../../daemon/src/store/export/redact.js';

const PACKAGES = [
  'ws/lib', 'vscode-jsonrpc/lib', 'mocha/lib', 'undici-types', 'better-sqlite3/lib', 'simple-git/dist/cjs', 'esbuild/lib',
  '@types/node', '@types/vscode', 'typescript/lib', 'playwright-core/lib', 'ajv/dist', '@vscode/vsce/out', 'node-llama-cpp/dist',
];

export async function run(): Promise<Record<string, number | string>> {
  const texts = corpus(join(process.cwd(), 'node_modules'));
  const bytes = texts.reduce((n, t) => n + t.length, 0);

  let start = performance.now();
  for (const text of texts) JSON.stringify(text);
  const stringifyMs = performance.now() - start;

  start = performance.now();
  let changedByRules = 0;
  for (const text of texts) if (redactText(text).count) changedByRules++;
  const rulesMs = performance.now() - start;

  const redactor = new Redactor();
  start = performance.now();
  let changed = 0;
  for (const text of texts) if ((await redactor.text(text)) !== text) changed++;
  const allMs = performance.now() - start;

  const topRules = Object.entries(redactor.byRule).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([r, n]) => `${r}:${n}`).join(' ');
  return {
    redaction_files: texts.length,
    redaction_mb: bytes / 1e6,
    redaction_files_changed: changed,
    redaction_false_positive_rate: changed / texts.length,
    redaction_files_changed_by_own_rules: changedByRules,
    redactions_per_mb: redactor.count / (bytes / 1e6),
    redaction_top_rules: topRules || 'none',
    redaction_mb_per_s: bytes / 1e6 / (allMs / 1000),
    redaction_vs_json_stringify: allMs / stringifyMs,
    redaction_own_rules_share: rulesMs / allMs,
  };
}

function corpus(root: string): string[] {
  const texts: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else if (/\.(?:[cm]?js|ts|json|md)$/.test(name) && stat.size <= 1_000_000) texts.push(readFileSync(path, 'utf8'));
    }
  };
  for (const dir of PACKAGES) {
    try { walk(join(root, dir)); } catch { /* a package this install lacks */ }
  }
  return texts;
}

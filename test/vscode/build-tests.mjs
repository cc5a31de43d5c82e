// Bundles the extension-host test suites to CommonJS in dist/test-vscode (the host require()s them).
import { build } from 'esbuild';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';

const suites = readdirSync('test/vscode/suite').filter((f) => f.endsWith('.test.ts'));
const entryPoints = { index: 'test/vscode/index.ts' };
for (const file of suites) entryPoints[`suite/${file.replace(/\.ts$/, '')}`] = `test/vscode/suite/${file}`;

await build({
  entryPoints,
  outdir: 'dist/test-vscode',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  logLevel: 'warning',
  // vscode is the host's; mocha must be the one instance the index created, so both stay outside.
  external: ['vscode', 'mocha', 'better-sqlite3', 'node-llama-cpp'],
});
// The package is ESM ("type": "module"); this folder is CommonJS.
mkdirSync('dist/test-vscode', { recursive: true });
writeFileSync('dist/test-vscode/package.json', '{ "type": "commonjs" }\n');

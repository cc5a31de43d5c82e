// Bundles the daemon (ESM, Node), the extension (CJS, VS Code's extension host) and the webview (browser).
// Native modules stay external: they must be resolved from node_modules by the Node that loads them.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const common = { bundle: true, sourcemap: true, logLevel: 'warning', target: 'node20' };
const nativeExternals = ['node-llama-cpp', 'better-sqlite3', 'bufferutil', 'utf-8-validate'];
// Node ESM bundles: bundled CJS dependencies (ws, simple-git) call require(), so give the output one.
const nodeEsm = {
  platform: 'node',
  format: 'esm',
  external: nativeExternals,
  banner: { js: "import { createRequire as __tandemRequire } from 'node:module'; const require = __tandemRequire(import.meta.url);" },
};

const targets = [
  {
    ...common,
    entryPoints: { cli: 'daemon/src/main.ts' },
    outdir: 'dist/daemon',
    ...nodeEsm,
  },
  {
    ...common,
    entryPoints: { extension: 'extension/src/extension.ts' },
    outdir: 'dist/extension',
    outExtension: { '.js': '.cjs' },
    platform: 'node',
    format: 'cjs',
    external: ['vscode', ...nativeExternals],
  },
  {
    ...common,
    entryPoints: { panel: 'webview-ui/src/main.ts' },
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
  {
    ...common,
    entryPoints: { bench: 'test/bench/bench.ts' },
    outdir: 'dist/bench',
    ...nodeEsm,
  },
].filter((t) => Object.values(t.entryPoints).every((entry) => existsSync(entry)));

await Promise.all(targets.map((t) => build(t)));

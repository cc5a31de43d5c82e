// `npm run bench -- <name>`: runs one benchmark, prints a readable table, then one JSON line.
import { printReport, type Benchmark } from './report.js';

// One line per benchmark; each module exports `run(): Promise<Record<string, number | string>>`.
const benchmarks: Record<string, () => Promise<Benchmark>> = {
  server: () => import('./server.js'),
  store: () => import('./store.js'),
  export: () => import('./export.js'),
  runtime: () => import('./runtime.js'),
  gpu: () => import('./gpu.js'),
  agent: () => import('./agent.js'),
  loop: () => import('./loop.js'),
  redaction: () => import('./redaction.js'),
  adapters: () => import('./adapters.js'),
};

async function main(): Promise<void> {
  const name = process.argv[2];
  const load = name ? benchmarks[name] : undefined;
  if (!load) {
    console.error(`Usage: npm run bench -- <${Object.keys(benchmarks).join('|')}>`);
    process.exitCode = 2;
    return;
  }
  const bench = await load();
  printReport(name!, await bench.run());
}

void main();

// `tandem export`: turns the trajectory store into a fine-tuning dataset (through the daemon when one runs).
import { basename, dirname, join, resolve } from 'node:path';
import { ResponseError } from 'vscode-jsonrpc';
import { ExportRun } from '../protocol/messages.js';
import { ClustersList } from '../protocol/work-clusters.js';
import { EXPORT_FORMATS, type ExportFormat, type ExportOptions, type Role } from '../protocol/types.js';
import type { DatasetManifest } from '../store/export/export-dataset.js';
import type { CliCommand } from './command.js';
import { progressBars } from './command-output.js';
import { withTandemClient } from './tandem-client.js';

const InvalidParams = -32602; // the services' answer to options they cannot export with

const usage = `export --format <${EXPORT_FORMATS.join('|')}> --role <orchestrator|worker|all> [--min-signal approved|merged] [--since DATE] [--repo PATH] [--split 0.9] [--cluster C | --split-by-cluster] --out PATH`;

export const exportCommands: CliCommand[] = [
  {
    name: 'export',
    usage,
    summary: 'Write a fine-tuning dataset (SFT, DPO or KTO) from recorded trajectories, with manifest.json beside it.',
    options: {
      format: { type: 'string' },
      role: { type: 'string' },
      'min-signal': { type: 'string' },
      since: { type: 'string' },
      repo: { type: 'string' },
      split: { type: 'string' },
      cluster: { type: 'string' },
      'split-by-cluster': { type: 'boolean' },
      out: { type: 'string' },
    },
    async run({ values }) {
      const parsed = exportOptions(values);
      if (typeof parsed !== 'string' && values['split-by-cluster'] === true && parsed.cluster !== undefined) {
        console.error(`Give --cluster C or --split-by-cluster, not both.\nUsage: tandem ${usage}`);
        return 2;
      }
      if (typeof parsed === 'string') {
        console.error(`${parsed}\nUsage: tandem ${usage}`);
        return 2;
      }
      // Ctrl-C stops the export cleanly: its temporary files are removed and nothing is published.
      const abort = new AbortController();
      const onSigint = () => abort.abort();
      process.once('SIGINT', onSigint);
      try {
        return await withTandemClient(async (client) => {
          client.onProgress(progressBars());
          // --split-by-cluster: one export per cluster of the newest clustering, each in a folder of its own
          // (cluster-<C>/ beside --out) with its own manifest, so each expert trains on its own kind of work.
          let runs: ExportOptions[] = [parsed];
          if (values['split-by-cluster'] === true) {
            const clustering = await client.request(ClustersList);
            if (!clustering) {
              console.error('tandem export: there are no clusters yet; make them with `tandem clusters` first.');
              return 1;
            }
            const out = resolve(parsed.out);
            runs = clustering.clusters.map((c) => ({ ...parsed, cluster: c.cluster, out: join(dirname(out), `cluster-${c.cluster}`, basename(out)) }));
          }
          const manifests: DatasetManifest[] = [];
          for (const run of runs) {
            const manifest = await client.request(ExportRun, run, abort.signal) as DatasetManifest;
            manifests.push(manifest);
            if (values.json) continue;
            const where = run.cluster === undefined ? '' : `cluster ${run.cluster}: `;
            for (const file of manifest.files) console.log(`${where}${file.path}: ${file.records} records`);
            console.log(`${where}${manifest.redactions} secrets redacted; ${manifest.dropped.duplicates} duplicates dropped. Manifest: ${join(dirname(resolve(run.out)), 'manifest.json')}`);
          }
          if (values.json) console.log(JSON.stringify(manifests.length === 1 && values['split-by-cluster'] !== true ? manifests[0] : manifests));
          return 0;
        });
      } catch (error) {
        console.error(`tandem export: ${(error as Error).message}`);
        return error instanceof ResponseError && error.code === InvalidParams ? 2 : 1;
      } finally {
        process.off('SIGINT', onSigint);
      }
    },
  },
];

function exportOptions(values: Record<string, string | boolean | string[] | undefined>): ExportOptions | string {
  const text = (name: string) => (typeof values[name] === 'string' ? values[name] as string : undefined);
  const format = text('format');
  const role = text('role');
  const out = text('out');
  if (!format) return `Missing --format; use one of: ${EXPORT_FORMATS.join(', ')}.`;
  if (!role) return 'Missing --role; use orchestrator, worker or all.';
  if (!out) return 'Missing --out PATH, the dataset file to write (e.g. data/worker.jsonl).';
  const options: ExportOptions = { format: format as ExportFormat, role: role as Role | 'all', out: resolve(out) };
  const minSignal = text('min-signal');
  if (minSignal !== undefined) options.minSignal = minSignal as 'approved' | 'merged';
  if (text('since') !== undefined) options.since = text('since');
  // Paths are made absolute here: the daemon resolves them against its own working directory.
  if (text('repo') !== undefined) options.repo = resolve(text('repo')!);
  const split = text('split');
  if (split !== undefined) {
    const fraction = Number(split);
    if (split.trim() === '' || Number.isNaN(fraction)) return `--split must be a number such as 0.9; got "${split}".`;
    options.split = fraction;
  }
  const cluster = text('cluster');
  if (cluster !== undefined) {
    if (!/^\d+$/.test(cluster)) return `--cluster takes a cluster number from \`tandem clusters\`; got "${cluster}".`;
    options.cluster = Number(cluster);
  }
  return options;
}

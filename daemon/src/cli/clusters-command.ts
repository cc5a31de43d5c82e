// `tandem clusters`: the kinds of work in the store. Shows the current clustering, or makes one (the first
// time, with --rebuild, or with --k N) by embedding every recorded task with the base model.
import { ClustersBuild, ClustersList, type WorkClustering } from '../protocol/work-clusters.js';
import { ROLES } from '../protocol/types.js';
import type { CliCommand } from './command.js';
import { printFailure, printRefusal, printResult, progressBars } from './command-output.js';
import { withTandemClient } from './tandem-client.js';

export const clustersCommand: CliCommand = {
  name: 'clusters',
  usage: 'clusters [--k N] [--rebuild] [--json]',
  summary: 'Kinds of work: recorded tasks clustered by their embeddings, with each cluster\'s adapter per role (made on first use, --rebuild or --k)',
  options: { k: { type: 'string' }, rebuild: { type: 'boolean' } },
  async run({ values }) {
    const json = values.json === true;
    const k = values.k === undefined ? undefined : Number(values.k);
    if (k !== undefined && !(Number.isInteger(k) && k >= 1)) return printFailure(json, `--k takes a whole number of clusters (got "${String(values.k)}")`, 2);
    return withTandemClient(async (client) => {
      try {
        let clustering = k === undefined && values.rebuild !== true ? await client.request(ClustersList) : null;
        if (!clustering) {
          client.onProgress(progressBars());
          clustering = await client.request(ClustersBuild, k === undefined ? {} : { k });
        }
        const shown = clustering;
        printResult(json, shown, () => describe(shown));
        return 0;
      } catch (error) {
        return printRefusal(json, error);
      }
    });
  },
};

function describe(clustering: WorkClustering): string {
  const header = `Clustering v${clustering.version} (${clustering.createdAt}), ${clustering.clusters.length} kind(s) of work:`;
  const rows = clustering.clusters.map((c) => {
    const adapters = ROLES.map((role) => `${role} ${c.adapters[role] === null ? 'general' : `v${c.adapters[role]}`}`).join(', ');
    return `  ${String(c.cluster).padStart(2)}  ${String(c.tasks).padStart(4)} task(s)  ${c.label}\n      ${adapters}`;
  });
  return [header, ...rows, 'Register an expert: tandem adapters add --role R FILE.gguf --cluster C'].join('\n');
}

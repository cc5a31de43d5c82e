// The demo's datasets: supervised examples of both roles (openai-sft) and liked/disliked steps (trl-kto)
// from the sample project's tasks, each in a folder of its own since a manifest.json sits beside each.
import { join } from 'node:path';
import { ExportRun } from '../protocol/messages.js';
import type { ExportFormat, Role } from '../protocol/types.js';
import type { TandemClient } from './tandem-client.js';

export interface DemoDataset {
  format: ExportFormat;
  role: Role | 'all';
  records: number;
  /** Absolute paths of the dataset files written. */
  files: string[];
  manifest: string;
}

const EXPORTS: { format: ExportFormat; role: Role | 'all'; dir: string }[] = [
  { format: 'openai-sft', role: 'all', dir: 'openai-sft' },
  { format: 'trl-kto', role: 'all', dir: 'trl-kto' },
];

export async function exportDemoDatasets(client: TandemClient, repo: string, datasetsDir: string): Promise<DemoDataset[]> {
  const datasets: DemoDataset[] = [];
  for (const { format, role, dir } of EXPORTS) {
    const out = join(datasetsDir, dir, `${role}.jsonl`);
    const manifest = await client.request(ExportRun, { format, role, repo, out });
    datasets.push({
      format, role,
      records: manifest.files.reduce((sum, file) => sum + file.records, 0),
      files: manifest.files.map((file) => join(datasetsDir, dir, file.path)),
      manifest: join(datasetsDir, dir, 'manifest.json'),
    });
  }
  return datasets;
}

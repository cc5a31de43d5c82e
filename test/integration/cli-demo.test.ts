// `tandem demo` (what `npm run demo` runs) as a real process with the fixture model: it completes, and
// every file it says it wrote is there.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DaemonStatus, StatsReport } from '../../daemon/src/protocol/messages.js';
import type { ModelInfo, Role } from '../../daemon/src/protocol/types.js';
import { git } from './support/temp-repo.js';
import { buildOnce, makeTandemHome, type TandemHome } from './support/tandem-cli.js';

interface DemoOutcome {
  mode: 'daemon' | 'in-process';
  model: ModelInfo;
  adapters: DaemonStatus['adapters'];
  attempts: { taskId: string; state: string; steps: number }[];
  reviewed: string | null;
  approved: { applied: string[]; conflicts: unknown[] } | null;
  steps: { role: Role; adapterVersion: number | null; tool: string | null }[];
  datasets: { format: string; records: number; files: string[]; manifest: string }[];
  stats: StatsReport;
  where: { sampleRepo: string; database: string; worktrees: string; log: string; datasets: string[]; manifests: string[] };
}

describe('tandem demo (real process, fixture model)', function () {
  this.timeout(600_000);
  let tandem: TandemHome;
  before(() => {
    buildOnce();
    tandem = makeTandemHome();
  });
  after(() => tandem?.remove());

  it('creates the sample repo, runs tasks, approves one when it can, exports, and the files it names exist', async () => {
    const run = await tandem.tandemJson<DemoOutcome>('demo');
    assert.equal(run.code, 0, run.stderr);
    const demo = run.json;
    assert.equal(demo.mode, 'in-process');
    assert.equal(demo.model.fixture, true);
    assert.deepEqual([demo.adapters.orchestrator.version, demo.adapters.worker.version], [1, 1]);

    const { where } = demo;
    assert.ok(where.sampleRepo.startsWith(join(tandem.home, 'demo', 'sample-repo-')));
    assert.match(readFileSync(join(where.sampleRepo, 'src/cart.js'), 'utf8'), /export function lineTotal/);
    assert.ok(existsSync(join(where.sampleRepo, 'test/cart.test.js')));
    assert.match(git(where.sampleRepo, ['log', '--oneline']), /Cart totals/);
    for (const file of [where.database, where.log, ...where.datasets, ...where.manifests]) assert.ok(existsSync(file), `${file} exists`);
    assert.equal(where.manifests.length, 2);
    assert.deepEqual(demo.datasets.map((d) => d.format), ['openai-sft', 'trl-kto']);
    for (const dataset of demo.datasets) {
      const manifest = JSON.parse(readFileSync(dataset.manifest, 'utf8')) as { filters: { repo?: string }; files: { records: number }[] };
      assert.equal(manifest.filters.repo, where.sampleRepo, 'only the sample project is exported');
      const lines = dataset.files.map((file) => readFileSync(file, 'utf8').split('\n').filter(Boolean).length);
      assert.equal(lines.reduce((a, b) => a + b, 0), dataset.records);
    }
    assert.ok(demo.attempts.length >= 1 && demo.stats.overall.tasks >= demo.attempts.length);
    assert.ok(demo.steps.some((step) => step.role === 'orchestrator' && step.adapterVersion === 1));

    // A random model reaches review only now and then; when it did, the change is in the sample repo.
    if (demo.reviewed) {
      assert.equal(demo.attempts.at(-1)?.taskId, demo.reviewed, 'the demo stops trying once a task reached review');
      assert.ok(demo.steps.some((step) => step.role === 'worker' && step.adapterVersion === 1), 'the worker made the change');
      assert.ok(demo.approved && demo.approved.applied.length > 0);
      const changed = git(where.sampleRepo, ['status', '--porcelain', '-z', '--untracked-files=all']).split('\0').filter(Boolean).map((l) => l.slice(3));
      for (const path of demo.approved.applied) assert.ok(changed.includes(path), `${path} changed in the sample repo`);
      assert.equal(demo.stats.overall.reviewed > 0, true);
    } else {
      assert.ok(demo.attempts.every((attempt) => attempt.state !== 'review'));
      assert.equal(demo.approved, null);
    }
  });
});

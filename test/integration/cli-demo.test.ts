// `tandem demo` (what `npm run demo` runs) as a real process with the fixture model: it completes, and
// every file it says it wrote is there. Its agents' actions are scripted (the model evaluates them), so the
// first task reaches review and the demo approves it, whatever a random model would have sampled.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DaemonStatus, StatsReport } from '../../daemon/src/protocol/messages.js';
import type { ModelInfo, Role } from '../../daemon/src/protocol/types.js';
import { writeReviewScript } from '../support/review-script.js';
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

const CHANGE = { instruction: 'Multiply the price by the quantity', path: 'src/cart.js', content: 'export const lineTotal = (i) => i.price * i.quantity;\n' };

describe('tandem demo (real process, fixture model)', function () {
  this.timeout(600_000);
  let tandem: TandemHome;
  before(() => {
    buildOnce();
    tandem = makeTandemHome();
    tandem.env.TANDEM_ACTION_SCRIPT = writeReviewScript(tandem.home, CHANGE);
  });
  after(() => tandem?.remove());

  it('creates the sample repo, runs a task, approves its change, exports, and the files it names exist', async () => {
    const run = await tandem.tandemJson<DemoOutcome>('demo');
    assert.equal(run.code, 0, run.stderr);
    const demo = run.json;
    assert.equal(demo.mode, 'in-process');
    assert.equal(demo.model.fixture, true);
    assert.deepEqual([demo.adapters.orchestrator.version, demo.adapters.worker.version], [1, 1]);

    const { where } = demo;
    assert.ok(where.sampleRepo.startsWith(join(tandem.home, 'demo', 'sample-repo-')));
    assert.match(git(where.sampleRepo, ['show', 'HEAD:src/cart.js']), /export function lineTotal/);
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

    // The first task reached review; the demo approved it into the sample repo.
    assert.deepEqual(demo.attempts.map((a) => a.taskId), [demo.reviewed], 'the demo stops trying once a task reached review');
    assert.deepEqual(demo.steps.map((step) => [step.role, step.adapterVersion, step.tool]), [
      ['orchestrator', 1, 'delegate'], ['worker', 1, 'write_file'], ['worker', 1, 'done'], ['orchestrator', 1, 'accept'], ['orchestrator', 1, 'finish'],
    ]);
    assert.deepEqual(demo.approved, { applied: [CHANGE.path], conflicts: [], commit: null });
    const changed = git(where.sampleRepo, ['status', '--porcelain', '-z', '--untracked-files=all']).split('\0').filter(Boolean).map((l) => l.slice(3));
    assert.deepEqual(changed, [CHANGE.path]);
    assert.equal(readFileSync(join(where.sampleRepo, CHANGE.path), 'utf8'), CHANGE.content);
    assert.equal(demo.stats.overall.reviewed, 1);
  });
});

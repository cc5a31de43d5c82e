// Expert adapters per kind of work, on the real daemon with the fixture model: recorded tasks are
// embedded and clustered (stored as a clustering version), an adapter is registered for a role and a
// cluster, a new task is routed to it (its steps record the route and the expert's version, which is
// the version of the context that generated them), a role without an expert falls back to its general
// adapter, and stats and export go per cluster. Structure only: what a random model's embeddings mean
// is not asserted, so clusterings are made with a fixed k.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectToDaemon, type DaemonClient } from '../../daemon/src/cli/daemon-client.js';
import { ErrorCodes } from '../../daemon/src/protocol/errors.js';
import { AdaptersAdd, ExportRun, StatsGet, Status, TaskGet, TaskStart, TaskSubscribe } from '../../daemon/src/protocol/messages.js';
import { AdaptersEvaluate, AdaptersPromote } from '../../daemon/src/protocol/adapter-evaluation.js';
import { ClustersBuild, ClustersList, ClustersUseAdapter } from '../../daemon/src/protocol/work-clusters.js';
import { writeFixtureModel } from '../../daemon/src/runtime/fixture-model.js';
import { readStore, roundEnd } from '../fixtures/daemon/real-tasks.js';
import { CLI_ENTRY, makeTandemHome, startDaemon, type DaemonProcess } from '../fixtures/daemon/spawn-daemon.js';
import { watch, type TaskWatch } from '../fixtures/daemon/task-watch.js';
import type { DatasetManifest } from '../../daemon/src/store/export/export-dataset.js';
import { buildOnce, CLI_BUNDLE } from './support/tandem-cli.js';
import { makeTempRepo } from './support/temp-repo.js';

const PROMPTS = ['Add a test for the parser', 'Rename the config loader', 'Fix the typo in the README'];

interface RouteRow { id: number; task_id: string; role: string; adapter_version: number | null; route_clustering: number | null; route_cluster: number | null }

describe('expert adapters per kind of work (real daemon, fixture model)', () => {
  const home = makeTandemHome();
  home.env.TANDEM_SIGNALS_SCAN_MINUTES = '0';
  const repo = makeTempRepo({ 'README.md': '# sample\n', 'src/app.ts': 'export const answer = 41;\n' });
  const scratch = mkdtempSync(join(tmpdir(), 'tandem-experts-'));
  let daemon: DaemonProcess;
  let client: DaemonClient;
  let seen: TaskWatch;
  const taskIds: string[] = [];

  const runTask = async (prompt: string) => {
    const task = await client.request(TaskStart, { repoPath: repo.repo, prompt });
    await roundEnd(seen, task.id);
    taskIds.push(task.id);
    return task.id;
  };
  const stepsOf = (taskId: string) => readStore(home.paths.database, (store) => store.db.prepare(
    'SELECT id, task_id, role, adapter_version, route_clustering, route_cluster FROM steps WHERE task_id = ? ORDER BY id').all(taskId) as RouteRow[]);

  before(async () => {
    daemon = await startDaemon(home.env, CLI_ENTRY, ['daemon']);
    const connected = await connectToDaemon({ paths: home.paths });
    assert.ok(connected);
    client = connected;
    seen = watch(client);
    await client.request(TaskSubscribe, { taskId: '*' });
  });
  after(async () => {
    client?.close();
    daemon?.child.kill('SIGTERM');
    await daemon?.exited;
    home.remove();
    repo.remove();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('refuses to cluster an empty store or to bind an adapter before clusters exist, and runs tasks unrouted meanwhile', async () => {
    assert.equal(await client.request(ClustersList), null);
    await assert.rejects(client.request(ClustersBuild, {}), (e: { code?: number; message?: string }) => e.code === ErrorCodes.InvalidState && /at least 2 recorded tasks/.test(e.message ?? ''));
    for (const prompt of PROMPTS.slice(0, 2)) {
      const steps = stepsOf(await runTask(prompt));
      assert.ok(steps.length > 0);
      assert.ok(steps.every((s) => s.route_cluster === null && s.route_clustering === null), 'no clustering: no route');
    }
    await assert.rejects(client.request(ClustersUseAdapter, { role: 'worker', cluster: 0, version: 1 }), /no clusters yet/);
  });

  it('clusters the recorded tasks into a stored clustering version; an expert registered for a cluster leaves the general adapter as it was', async () => {
    const built = await client.request(ClustersBuild, { k: 1 });
    assert.equal(built.version, 1);
    assert.equal(built.baseModelSha, (await client.request(Status)).model?.sha256);
    assert.deepEqual(built.clusters.map((c) => [c.cluster, c.tasks, c.adapters]), [[0, 2, { orchestrator: null, worker: null, critic: null }]]);
    assert.ok(PROMPTS.slice(0, 2).some((p) => built.clusters[0]!.label.startsWith(p)), 'labelled by a member task');
    assert.deepEqual(await client.request(ClustersList), built, 'stored: the same clustering is read back');

    await assert.rejects(client.request(AdaptersAdd, { role: 'orchestrator', path: join(scratch, 'x.gguf'), cluster: 7 }),
      (e: { code?: number; message?: string }) => e.code === ErrorCodes.NotFound && /no cluster 7/.test(e.message ?? ''));
    const fresh = await writeFixtureModel(join(scratch, 'fresh'), { preset: 'tiny', seed: 3 });
    const expert = await client.request(AdaptersAdd, { role: 'orchestrator', path: fresh.adapters.orchestrator, cluster: 0 });
    assert.deepEqual([expert.version, expert.active], [2, false]);
    assert.equal((await client.request(Status)).adapters.orchestrator.version, 1, 'the general adapter is still the fallback');
    const listed = await client.request(ClustersList);
    assert.deepEqual(listed?.clusters[0]?.adapters, { orchestrator: 2, worker: null, critic: null });
  });

  it("routes a new task to the cluster's expert: every orchestrator step records the route and ran on the expert, the worker falls back to its general adapter", async () => {
    const taskId = await runTask(PROMPTS[2]!);
    const steps = stepsOf(taskId);
    const orchestrator = steps.filter((s) => s.role === 'orchestrator');
    assert.ok(orchestrator.length > 0);
    for (const step of steps) assert.deepEqual([step.route_clustering, step.route_cluster], [1, 0], `step ${step.id} recorded the route`);
    assert.ok(orchestrator.every((s) => s.adapter_version === 2), 'orchestrator steps ran on the cluster expert');
    assert.ok(steps.filter((s) => s.role === 'worker').every((s) => s.adapter_version === 1), 'worker steps ran on the general worker adapter');
    const detail = await client.request(TaskGet, { taskId });
    assert.equal(detail.steps[0]!.adapter.version, 2, 'the task view shows the version the step ran on');
    const routed = readStore(home.paths.database, (store) => store.db.prepare('SELECT clustering, cluster, routed FROM task_clusters WHERE task_id = ?').all(taskId));
    assert.deepEqual(routed, [{ clustering: 1, cluster: 0, routed: 1 }]);

    // Back to the general adapter for the cluster: the next task's steps keep the route, on version 1.
    await client.request(ClustersUseAdapter, { role: 'orchestrator', cluster: 0, version: null });
    const general = stepsOf(await runTask(`${PROMPTS[2]} again`)).filter((s) => s.role === 'orchestrator');
    assert.ok(general.length > 0 && general.every((s) => s.adapter_version === 1 && s.route_cluster === 0));
  });

  it('reports stats per cluster and exports one cluster\'s tasks, saying which in the manifest', async () => {
    const stats = await client.request(StatsGet);
    assert.deepEqual(stats.byCluster?.map((c) => [c.clustering, c.cluster, c.tasks]), [[1, 0, 2]], 'the two routed tasks');

    // A second clustering into two kinds: each cluster's export reads exactly the steps of its tasks.
    const two = await client.request(ClustersBuild, { k: 2 });
    assert.equal(two.version, 2);
    assert.equal(two.clusters.reduce((n, c) => n + c.tasks, 0), taskIds.length, 'every recorded task is in one cluster');
    let total = 0;
    for (const { cluster } of two.clusters) {
      const out = join(scratch, `cluster-${cluster}`, 'data.jsonl');
      const manifest = await client.request(ExportRun, { format: 'trl-sft', role: 'all', cluster, out }) as DatasetManifest;
      assert.deepEqual([manifest.filters.cluster, manifest.clustering], [cluster, 2]);
      assert.deepEqual(JSON.parse(readFileSync(join(scratch, `cluster-${cluster}`, 'manifest.json'), 'utf8')).filters.cluster, cluster);
      const expected = readStore(home.paths.database, (store) => store.db.prepare(`SELECT COUNT(*) FROM steps WHERE task_id IN
        (SELECT task_id FROM task_clusters WHERE clustering = 2 AND cluster = ?)`).pluck().get(cluster) as number);
      assert.equal(manifest.steps, expected);
      total += manifest.steps;
    }
    const all = readStore(home.paths.database, (store) => store.db.prepare('SELECT COUNT(*) FROM steps').pluck().get() as number);
    assert.equal(total, all, 'the clusters split the store');
    await assert.rejects(client.request(ExportRun, { format: 'trl-sft', role: 'all', cluster: 9, out: join(scratch, 'none', 'data.jsonl') }), /has no cluster 9/);

    // The eval command per cluster: the expert scored on its cluster's held-out work; an unknown cluster is refused by name.
    await assert.rejects(client.request(AdaptersEvaluate, { role: 'orchestrator', version: 2, cluster: 9 }),
      (e: { code?: number; message?: string }) => e.code === ErrorCodes.NotFound && /has no cluster 9/.test(e.message ?? ''));
    const evaluated = await client.request(AdaptersEvaluate, { role: 'orchestrator', version: 2, against: 1, cluster: two.clusters[0]!.cluster });
    assert.deepEqual([evaluated.candidate.version, evaluated.against.version], [2, 1]);

    // Promotion per cluster goes through the gate on that cluster's held-out work (none was reviewed here: too few examples), or is forced.
    const target = two.clusters[0]!.cluster;
    await assert.rejects(client.request(AdaptersPromote, { role: 'orchestrator', version: 2, cluster: target }), new RegExp(`not promoted for cluster ${target}`));
    const forced = await client.request(AdaptersPromote, { role: 'orchestrator', version: 2, cluster: target, force: true });
    assert.equal(forced.forced, true);
    assert.equal((await client.request(ClustersList))?.clusters.find((c) => c.cluster === target)?.adapters.orchestrator, 2);
    assert.equal((await client.request(Status)).adapters.orchestrator.version, 1, 'the general adapter is untouched');
  });

  it('from the CLI: `tandem clusters` shows the stored clustering and `export --split-by-cluster` writes one folder and manifest per cluster', async () => {
    buildOnce();
    const tandem = (...args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(process.execPath, [CLI_BUNDLE, ...args], { env: home.env }, (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
    });
    const listed = await tandem('clusters', '--json');
    assert.equal(listed.code, 0, listed.stderr);
    const clustering = JSON.parse(listed.stdout) as { version: number; clusters: { cluster: number }[] };
    assert.equal(clustering.version, 2, 'shown, not rebuilt');
    const out = join(scratch, 'split', 'data.jsonl');
    const both = await tandem('export', '--format', 'trl-sft', '--role', 'all', '--cluster', '0', '--split-by-cluster', '--out', out);
    assert.equal(both.code, 2);
    const split = await tandem('export', '--format', 'trl-sft', '--role', 'all', '--split-by-cluster', '--out', out);
    assert.equal(split.code, 0, split.stderr);
    for (const { cluster } of clustering.clusters) {
      const manifest = JSON.parse(readFileSync(join(scratch, 'split', `cluster-${cluster}`, 'manifest.json'), 'utf8')) as { filters: { cluster?: number }; clustering?: number };
      assert.deepEqual([manifest.filters.cluster, manifest.clustering], [cluster, 2]);
    }
    assert.equal(existsSync(out), false, 'nothing is written outside the cluster folders');
  });
});

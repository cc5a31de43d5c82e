// The services `tandem daemon` runs with: the one place where the runtime, store, agents, workspace and
// export areas are put together behind the protocol. CLI commands with no daemon running build the same
// services in their own process (cli/in-process-client.ts), with the model loaded only when needed.
import type { DaemonStatus } from './protocol/messages.js';
import { GenerationScheduler } from './server/generation-scheduler.js';
import type { ServiceHost, Services } from './server/services.js';
import { markInterruptedTasks } from './store/interrupted-tasks.js';
import { openStore, type Store } from './store/open-store.js';
import { ReviewRecorder } from './store/review-recorder.js';
import { getTask, listTasks } from './store/task-queries.js';
import { StoreTrajectoryRecorder } from './store/trajectory-recorder.js';
import { findOrphanWorktrees } from './workspace/worktree-cleanup.js';
import { AdapterService } from './services/adapter-service.js';
import { AgentOptionsHolder } from './services/agent-options.js';
import { agentConfigFor } from './services/agent-settings.js';
import { DataService, DEFAULT_SCAN_MINUTES } from './services/data-service.js';
import { EvaluationService } from './services/evaluation-service.js';
import { recoverInterruptedWork } from './services/interrupted-work.js';
import { ModelService } from './services/model-service.js';
import { PatternService } from './services/pattern-service.js';
import { RepoAllowlists } from './services/repo-allowlists.js';
import { findSandbox, NO_SANDBOX_ADVICE, sandboxStatus, UNSANDBOXED_ENV } from './agents/tools/command-sandbox.js';
import { ReviewService } from './services/review-service.js';
import { ServiceGate } from './services/service-gate.js';
import { SettingsService } from './services/settings-service.js';
import { TrainingService } from './services/training-service.js';
import { notFound, TaskService } from './services/task-service.js';
import { WorkClusterService } from './services/work-cluster-service.js';
import type { ModelRuntime } from './runtime/model-runtime.js';
import { TANDEM_VERSION } from './version.js';

export interface ServicesOptions {
  /**
   * 'at-start' (the daemon): load the model before serving. 'when-needed' (a CLI command in-process):
   * at the first request that generates or reviews, so `tandem stats` or `tandem export` loads none.
   */
  loadModel?: 'at-start' | 'when-needed';
  /** Where TANDEM_MODEL and TANDEM_THREADS are read; the process's environment by default. */
  env?: NodeJS.ProcessEnv;
}

export async function createDaemonServices({ paths, events, log }: ServiceHost, options: ServicesOptions = {}): Promise<Services> {
  const say = (line: string) => log.info(line);
  const env = options.env ?? process.env;
  const store = once(() => openStore(paths.database));
  const recorder = once(() => new StoreTrajectoryRecorder(store()));
  const adapters = new AdapterService(paths, env, (change) => events.announce?.(change));
  const inProcess = options.loadModel === 'when-needed';
  // A CLI command in-process lives seconds: only the daemon scans for merged changes on a schedule.
  const data = new DataService(paths.database, store, say, inProcess ? 0 : signalsScanMinutes(say));
  const gate = new ServiceGate();
  const allowlists = new RepoAllowlists(paths.config, env, say);
  const sandbox = findSandbox(env);
  if (sandbox.kind === 'none') say(`allowed commands will be refused: they run only in a sandbox, and ${sandbox.reason}; ${NO_SANDBOX_ADVICE}`);
  if (sandbox.kind === 'unsandboxed') say(`allowed commands run WITHOUT a sandbox (${UNSANDBOXED_ENV}=1), as you, with everything you can reach`);
  const agentOptions = new AgentOptionsHolder(env, say);
  const settings = new SettingsService(allowlists, paths.models, agentOptions);
  const clusters: WorkClusterService = new WorkClusterService({ store, adapters, runtime: async (): Promise<ModelRuntime> => (await engine()).models.runtime });
  const engine = once(async () => {
    const models = await ModelService.start(paths, adapters, say, env);
    const scheduler = new GenerationScheduler(models.runtime);
    const tasks = new TaskService({
      store: store(), recorder: recorder(), models, scheduler, paths, events, log: say,
      agentConfig: agentConfigFor(models.model),
      agentOptions: () => agentOptions.current,
      allowedCommands: (repoPath) => allowlists.forRepo(repoPath),
      commandNetwork: (repoPath) => allowlists.networkFor(repoPath),
      routing: { forPrompt: (prompt) => clusters.route(prompt, models.runtime), ofTask: (taskId) => clusters.routeOf(taskId) },
    });
    const review = new ReviewService({ store: store(), reviews: new ReviewRecorder(store()), tasks, paths, events });
    return { models, scheduler, tasks, review };
  });
  const evaluations = new EvaluationService({
    databasePath: paths.database, adapters, env, runtime: async () => (await engine()).models.runtime, clusterKey: (cluster) => clusters.key(cluster),
  });
  const patterns = new PatternService({ databasePath: paths.database, runtime: async () => (await engine()).models.runtime });
  // The CLI bundle this daemon runs from (`node dist/daemon/cli.js daemon`) also trains: see training-service.ts.
  const training = new TrainingService({ cliPath: env.TANDEM_CLI ?? process.argv[1]!, env });
  if (!inProcess) await engine();
  /** The live tasks, when the engine runs; before it does, no task of this process can be live. */
  const liveTasks = async () => (engine.made() ? (await engine()).tasks : null);
  const loadedModel = async () => {
    if (!engine.made()) return null;
    const { models } = await engine();
    return { ...models.runtime.status(), memory: models.memory };
  };

  const status = async (): Promise<DaemonStatus> => {
    const { models, scheduler, tasks } = await engine();
    const runtime = models.runtime.status();
    return {
      version: TANDEM_VERSION, pid: process.pid, model: runtime.model, backend: runtime.backend, threads: runtime.threads,
      adapters: runtime.adapters, generating: scheduler.generating, tasksRunning: tasks.running,
      gpu: await models.runtime.gpuStatus(), warmup: models.runtime.warmUpStatus, sandbox: sandboxStatus(env),
      ...(models.runtime.actionScript ? { scriptedActions: models.runtime.actionScript.source } : {}),
    };
  };

  return {
    status,
    modelsList: async () => (await engine()).models.modelsList(),
    adaptersList: (p) => adapters.list(p?.role),
    adaptersAdd: (p, ctx) => gate.run(() => adapters.add(p.role, p.path, ctx.progress, p.cluster === undefined ? undefined : clusters.key(p.cluster))),
    adaptersUse: (p) => gate.run(() => {
      evaluations.checkSwitch(p.role, p.version);
      return adapters.use(p.role, p.version);
    }),
    adaptersRemove: (p) => gate.run(() => adapters.remove(p.role, p.version)),
    adaptersImport: (p, ctx) => gate.run(() => adapters.import(p.role, p.dir, p.activate === true, ctx.progress, p.cluster === undefined ? undefined : clusters.key(p.cluster))),
    adaptersEvaluate: (p, ctx) => gate.run(() => evaluations.evaluate(p, ctx.progress)),
    adaptersPromote: (p, ctx) => gate.run(() => evaluations.promote(p, ctx.progress)),
    adaptersEvaluations: (p) => evaluations.records.evaluations(p?.role),
    taskStart: (p, ctx) => gate.run(async () => (await engine()).tasks.start(p, ctx.clientId)),
    taskCancel: (p) => gate.run(async () => (await engine()).tasks.cancel(p.taskId)),
    taskList: async (p) => (await liveTasks())?.list(p ?? {}) ?? listTasks(store(), p ?? {}),
    taskGet: async (p) => (await liveTasks())?.get(p.taskId) ?? getTask(store(), p.taskId) ?? notFound(p.taskId),
    reviewOriginal: async (p) => (await engine()).review.original(p.taskId, p.path),
    reviewApprove: (p) => gate.run(async () => (await engine()).review.approve(p)),
    reviewReject: (p, ctx) => gate.run(async () => (await engine()).review.reject(p, ctx.clientId)),
    reviewHunks: async (p) => (await engine()).review.hunks(p),
    reviewDropHunk: (p) => gate.run(async () => (await engine()).review.dropHunk(p)),
    exportRun: (p, ctx) => data.exportRun(p, ctx.progress, ctx.token),
    statsGet: () => data.statsGet(),
    clustersList: async () => clusters.list((await loadedModel())?.model.sha256),
    clustersBuild: (p, ctx) => gate.run(() => clusters.build(p, ctx.progress)),
    clustersUseAdapter: (p) => gate.run(() => clusters.useAdapter(p)),
    signalsScan: (p, ctx) => gate.run(() => data.signalsScan(p ?? {}, ctx.progress)),
    patternsList: (p, ctx) => patterns.list(p, ctx.progress),
    patternsExport: (p, ctx) => withAbort(ctx.token, (signal) => patterns.export(p, ctx.progress, signal)),
    daemonSettings: (p) => gate.run(async () => settings.apply(p, await loadedModel())),
    trainingRun: (p, ctx) => training.run(p, ctx.progress, ctx.token),
    async markInterruptedTasks() {
      const interrupted = markInterruptedTasks(store());
      const work = await recoverInterruptedWork({ store: store(), recorder: recorder(), worktreesDir: paths.worktrees });
      if (work.toReview.length) say(`interrupted task(s) with changes, now waiting for review: ${work.toReview.join(', ')}`);
      for (const { taskId, message } of work.failed) say(`interrupted task ${taskId}: its worktree was left as it was: ${message}`);
      const orphans = await findOrphanWorktrees({ worktreesDir: paths.worktrees, isLiveTask: (id) => isReviewable(store(), id) });
      if (orphans.length) say(`${orphans.length} worktree(s) left by earlier tasks: ${orphans.map((o) => o.path).join(', ')}`);
      return interrupted;
    },
    // In this order: no new work and the requests under way done, then the rounds' steps written,
    // and only then the model and the store closed.
    async shutdown() {
      training.dispose();
      await gate.close();
      await data.dispose();
      if (engine.made()) {
        const { tasks, models } = await engine();
        await tasks.shutdown();
        await models.runtime.dispose();
      }
      if (store.made()) store().close();
    },
  } satisfies Services;
}

/** Made on the first call, then the same value; made() tells whether that call happened. */
function once<T>(make: () => T): (() => T) & { made(): boolean } {
  let value: { made: T } | null = null;
  return Object.assign(() => (value ??= { made: make() }).made, { made: () => value !== null });
}

/** TANDEM_SIGNALS_SCAN_MINUTES sets how often the daemon looks for merged changes; 0 turns the schedule off. */
function signalsScanMinutes(say: (line: string) => void): number {
  const value = process.env.TANDEM_SIGNALS_SCAN_MINUTES;
  if (value === undefined) return DEFAULT_SCAN_MINUTES;
  const minutes = Number(value);
  if (Number.isFinite(minutes) && minutes >= 0) return minutes;
  say(`TANDEM_SIGNALS_SCAN_MINUTES=${value} is not a number of minutes; scanning every ${DEFAULT_SCAN_MINUTES}`);
  return DEFAULT_SCAN_MINUTES;
}

/** A worktree belongs to a live task while the task still waits for review. */
function isReviewable(store: Store, taskId: string): boolean {
  return store.db.prepare("SELECT 1 FROM tasks WHERE id = ? AND state = 'review'").get(taskId) !== undefined;
}

/** Runs work that takes an AbortSignal, aborted when the request is cancelled. */
async function withAbort<T>(token: { onCancellationRequested(listener: () => void): { dispose(): void } }, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const listener = token.onCancellationRequested(() => controller.abort());
  try {
    return await run(controller.signal);
  } finally {
    listener.dispose();
  }
}

// The services `tandem daemon` runs with: the one place where the runtime, store, agents, workspace and
// export areas are put together behind the protocol. CLI commands with no daemon running use it too.
import { readConfig } from './config.js';
import type { DaemonStatus } from './protocol/messages.js';
import { GenerationScheduler } from './server/generation-scheduler.js';
import type { Services, ServicesFactory } from './server/services.js';
import { markInterruptedTasks } from './store/interrupted-tasks.js';
import { openStore } from './store/open-store.js';
import { ReviewRecorder } from './store/review-recorder.js';
import { StoreTrajectoryRecorder } from './store/trajectory-recorder.js';
import { findOrphanWorktrees } from './workspace/worktree-cleanup.js';
import { agentConfigFor } from './services/agent-settings.js';
import { DataService, DEFAULT_SCAN_MINUTES } from './services/data-service.js';
import { ModelService } from './services/model-service.js';
import { ReviewService } from './services/review-service.js';
import { ServiceGate } from './services/service-gate.js';
import { TaskService } from './services/task-service.js';
import { TANDEM_VERSION } from './version.js';

export const createDaemonServices: ServicesFactory = async ({ paths, events, log }) => {
  const say = (line: string) => log.info(line);
  const store = openStore(paths.database);
  const models = await ModelService.start(paths, say);
  const scheduler = new GenerationScheduler(models.runtime);
  const recorder = new StoreTrajectoryRecorder(store);
  const tasks = new TaskService({
    store, recorder, models, scheduler, paths, events, log: say,
    agentConfig: agentConfigFor(models.model),
    allowedCommands: (repoPath) => allowedCommands(paths.config, repoPath),
  });
  const review = new ReviewService({ store, reviews: new ReviewRecorder(store), tasks, paths, events });
  const data = new DataService(store, say, signalsScanMinutes(say));
  const gate = new ServiceGate();

  const status = (): DaemonStatus => {
    const runtime = models.runtime.status();
    return {
      version: TANDEM_VERSION, pid: process.pid, model: runtime.model, backend: runtime.backend, threads: runtime.threads,
      adapters: runtime.adapters, generating: scheduler.generating, tasksRunning: tasks.running,
    };
  };

  return {
    status,
    modelsList: () => models.modelsList(),
    adaptersList: (p) => models.adaptersList(p?.role),
    adaptersAdd: (p) => gate.run(() => models.adaptersAdd(p.role, p.path)),
    adaptersUse: (p) => gate.run(() => models.adaptersUse(p.role, p.version)),
    adaptersRemove: (p) => gate.run(() => models.adaptersRemove(p.role, p.version)),
    taskStart: (p, ctx) => gate.run(() => tasks.start(p, ctx.clientId)),
    taskCancel: (p) => gate.run(() => tasks.cancel(p.taskId)),
    taskList: (p) => tasks.list(p ?? {}),
    taskGet: (p) => tasks.get(p.taskId),
    reviewOriginal: (p) => review.original(p.taskId, p.path),
    reviewApprove: (p) => gate.run(() => review.approve(p)),
    reviewReject: (p, ctx) => gate.run(() => review.reject(p, ctx.clientId)),
    exportRun: (p, ctx) => data.exportRun(p, ctx.progress, ctx.token),
    statsGet: () => data.statsGet(),
    signalsScan: (p) => gate.run(() => data.signalsScan(p ?? {})),
    async markInterruptedTasks() {
      const interrupted = markInterruptedTasks(store);
      const orphans = await findOrphanWorktrees({ worktreesDir: paths.worktrees, isLiveTask: (id) => isReviewable(store, id) });
      if (orphans.length) say(`${orphans.length} worktree(s) left by earlier tasks: ${orphans.map((o) => o.path).join(', ')}`);
      return interrupted;
    },
    // In this order: no new work and the requests under way done, then the rounds' steps written,
    // and only then the model and the store closed.
    async shutdown() {
      await gate.close();
      await data.dispose();
      await tasks.shutdown();
      await models.runtime.dispose();
      store.close();
    },
  } satisfies Services;
};

function allowedCommands(configPath: string, repoPath: string): readonly string[] {
  const fromEnv = process.env.TANDEM_ALLOWED_COMMANDS ? (JSON.parse(process.env.TANDEM_ALLOWED_COMMANDS) as Record<string, string[]>) : {};
  return fromEnv[repoPath] ?? readConfig(configPath).allowedCommands?.[repoPath] ?? [];
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
function isReviewable(store: ReturnType<typeof openStore>, taskId: string): boolean {
  return store.db.prepare("SELECT 1 FROM tasks WHERE id = ? AND state = 'review'").get(taskId) !== undefined;
}

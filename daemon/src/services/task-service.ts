// Tasks as the daemon runs them: each on its own worktree, its rounds run in the background through the
// fair generation scheduler, its events published to subscribers, its trajectory recorded as it happens.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ResponseError } from 'vscode-jsonrpc';
import type { AgentConfig } from '../agents/agent-config.js';
import { failureReason } from '../agents/failure-reason.js';
import type { TaskRoute, TrajectoryRecorder } from '../agents/ports.js';
import { createWorkerTools } from '../agents/tools/tool-executor.js';
import { runRound, runTask, type RoundResult, type TaskRunDeps, type TaskSpec } from '../agents/task-runner.js';
import type { TandemPaths } from '../paths.js';
import { ErrorCodes } from '../protocol/errors.js';
import type { StopReason, TaskDetail, TaskState, TaskSummary } from '../protocol/types.js';
import type { GenerationScheduler } from '../server/generation-scheduler.js';
import type { TaskEventPublisher } from '../server/task-event-hub.js';
import type { Store } from '../store/open-store.js';
import { getTask, listTasks, taskAgentOptions } from '../store/task-queries.js';
import { createTaskWorktree, openTaskWorktree, taskWorktreePath, type TaskWorktree } from '../workspace/task-worktree.js';
import { removeTaskWorktree } from '../workspace/worktree-cleanup.js';
import { WorkspaceError } from '../workspace/workspace-error.js';
import type { ModelService } from './model-service.js';
import { attemptsProblem, type AgentOptions } from './agent-options.js';
import { DAEMON_STOPPING, TaskInterruption } from './task-interruption.js';

export interface TaskServiceDeps {
  store: Store;
  recorder: TrajectoryRecorder;
  models: ModelService;
  scheduler: GenerationScheduler;
  paths: TandemPaths;
  events: TaskEventPublisher;
  log: (line: string) => void;
  agentConfig: Partial<AgentConfig>;
  /** The critic and attempts switches as the user set them now; a task keeps those it started with. */
  agentOptions: () => AgentOptions;
  /** The commands the worker may run in a repository (the user's per-repo allowlist). */
  allowedCommands: (repoPath: string) => readonly string[];
  /** Whether the user lets the repository's commands use the network. */
  commandNetwork?: (repoPath: string) => boolean;
  /** Routes tasks to the nearest kind of work's adapters (work-cluster-service.ts); every role on its general adapter without it. */
  routing?: {
    forPrompt(prompt: string): Promise<TaskRoute | null>;
    ofTask(taskId: string): TaskRoute | null;
  };
}

interface LiveTask {
  spec: TaskSpec;
  options: AgentOptions;
  worktree: TaskWorktree;
  controller: AbortController;
  running: Promise<RoundResult | null> | null;
  /** Chosen when the task starts; kept for its later rounds. */
  route: TaskRoute | null;
}

/** States after which a task's worktree is of no more use. */
const SETTLED: ReadonlySet<TaskState> = new Set(['applied', 'rejected', 'finished', 'failed', 'cancelled']);

export class TaskService {
  private readonly live = new Map<string, LiveTask>();
  /** Why tasks of this run failed: shown by get/list, since the store may not have been able to take even the state. */
  private readonly failures = new Map<string, { reason: string; recorded: boolean }>();
  private closing = false;

  constructor(private readonly deps: TaskServiceDeps) {}

  get running(): number {
    return [...this.live.values()].filter((task) => task.running).length;
  }

  async start(params: { repoPath: string; prompt: string; critic?: boolean; attempts?: number }, clientId: string): Promise<TaskSummary> {
    if (this.closing) throw new ResponseError(ErrorCodes.InvalidState, 'The daemon is shutting down; start the task again once it is back.');
    if (typeof params.prompt !== 'string' || params.prompt.trim() === '') throw new ResponseError(-32602, 'A task needs a prompt.');
    if (params.critic !== undefined && typeof params.critic !== 'boolean') throw new ResponseError(-32602, '"critic" must be true or false.');
    const attemptsWrong = params.attempts === undefined ? null : attemptsProblem(params.attempts);
    if (attemptsWrong) throw new ResponseError(-32602, `${attemptsWrong}.`);
    const options: AgentOptions = {
      ...this.deps.agentOptions(),
      ...(params.critic !== undefined && { critic: params.critic }),
      ...(params.attempts !== undefined && { attempts: params.attempts }),
    };
    const spec: TaskSpec = { taskId: newTaskId(), prompt: params.prompt, repoPath: resolve(params.repoPath) };
    const worktree = await workspaceCall(() => createTaskWorktree({ ...spec, worktreesDir: this.deps.paths.worktrees }));
    if (worktree.warning) this.deps.log(`task ${spec.taskId}: ${worktree.warning}`);
    // Routed before it is launched: the launch records the task at once, so start can answer with it.
    const task: LiveTask = { spec, options, worktree, controller: new AbortController(), running: null, route: await this.routeFor(spec) };
    this.live.set(spec.taskId, task);
    this.launch(task, clientId, (deps) => runTask({ ...deps, route: task.route }, spec));
    return this.summary(spec.taskId);
  }

  /** Runs the next round of a task the human rejected, with the reason as the orchestrator's feedback. */
  async retry(taskId: string, feedback: string, clientId: string): Promise<void> {
    const detail = this.detail(taskId);
    const task = this.live.get(taskId) ?? await this.revive(detail);
    task.controller = new AbortController();
    this.launch(task, clientId, (deps) => runRound({ ...deps, route: task.route }, task.spec, { round: detail.round + 1, feedback }));
  }

  async cancel(taskId: string): Promise<TaskSummary> {
    const task = this.live.get(taskId);
    if (task?.running) {
      task.controller.abort();
      this.deps.scheduler.cancelTask(taskId);
      await task.running;
    } else if (!SETTLED.has(this.detail(taskId).state)) {
      await this.settle(taskId, 'cancelled');
    }
    return this.summary(taskId);
  }

  list(params: { limit?: number; repoPath?: string }): TaskSummary[] {
    return listTasks(this.deps.store, params).map((summary) => this.withWorktree(summary));
  }

  get(taskId: string): TaskDetail {
    return this.withWorktree(this.detail(taskId));
  }

  /** The task's worktree, from memory or reopened after a daemon restart. */
  async worktreeOf(taskId: string): Promise<TaskWorktree> {
    return (this.live.get(taskId) ?? await this.revive(this.detail(taskId))).worktree;
  }

  /** Records a final state, tells subscribers, and resolves once the worktree the task no longer needs is removed. */
  async settle(taskId: string, state: TaskState): Promise<void> {
    const stopReason = state === 'cancelled' ? 'cancelled' : state === 'failed' ? 'error' : null;
    this.deps.recorder.setTaskState(taskId, state, stopReason);
    await this.settled(taskId, state, stopReason);
  }

  /** For a final state the store already holds (a review records it with its verdicts): tell subscribers, remove the worktree. */
  async settled(taskId: string, state: TaskState, stopReason: StopReason | null = null, reason?: string): Promise<void> {
    this.deps.events.publish({ type: 'task.state', taskId, state, stopReason, ...(reason !== undefined && { reason }) });
    await this.removeWorktree(taskId);
  }

  /**
   * A round that could not record its own end (the store failed: a full disk, say). Subscribers learn
   * that it failed and why from the event alone, which does not wait on the store write that may fail
   * the same way; what the store held before stays as it was (each write is its own transaction).
   */
  private async fail(taskId: string, error: unknown): Promise<void> {
    const reason = failureReason(error);
    let recorded = true;
    try {
      this.deps.recorder.setTaskState(taskId, 'failed', 'error');
    } catch (storeError) {
      recorded = false;
      this.deps.log(`task ${taskId}: its failure could not be recorded either: ${(storeError as Error).message}`);
    }
    this.failures.set(taskId, { reason, recorded });
    await this.settled(taskId, 'failed', 'error', reason);
  }

  /** Aborts the running rounds, which record their step in flight and end 'interrupted'; resolves once they have. */
  async shutdown(): Promise<void> {
    this.closing = true;
    for (const task of this.live.values()) task.controller.abort(DAEMON_STOPPING);
    this.deps.scheduler.cancelAll();
    await Promise.all([...this.live.values()].map((task) => task.running));
  }

  private launch(task: LiveTask, clientId: string, run: (deps: TaskRunDeps) => Promise<RoundResult>): void {
    const { taskId } = task.spec;
    const interruption = new TaskInterruption(task.controller.signal);
    const deps: TaskRunDeps = {
      model: this.deps.scheduler.portFor({ clientId, taskId }),
      recorder: interruption.recorder(this.deps.recorder),
      workspace: task.worktree,
      tools: createWorkerTools({
        allowlist: () => this.deps.allowedCommands(task.spec.repoPath),
        network: () => this.deps.commandNetwork?.(task.spec.repoPath) ?? false,
      }),
      config: { ...this.deps.agentConfig, ...task.options },
      onEvent: (event) => this.deps.events.publish(interruption.event(event)),
      signal: task.controller.signal,
      adapterOf: (role) => this.deps.models.adapterOf(role),
    };
    task.running = run(deps).then(
      async (result) => {
        this.deps.log(`task ${taskId} round ${result.round}: ${result.state} (${result.stopReason}) ${result.detail}`);
        if (result.state === 'failed') this.failures.set(taskId, { reason: result.detail, recorded: true });
        else this.failures.delete(taskId);
        if (SETTLED.has(result.state) && !this.closing) await this.removeWorktree(taskId);
        return result;
      },
      async (error: unknown) => {
        this.deps.log(`task ${taskId} failed: ${error instanceof Error ? error.stack : String(error)}`);
        // The round could not record its own end: say so, rather than leave the task 'running' until a restart.
        if (this.closing) return null;
        await this.fail(taskId, error).catch((settleError: Error) => this.deps.log(`task ${taskId}: ${settleError.message}`));
        return null;
      },
    ).finally(() => { task.running = null; });
  }

  /** A routing failure (say, the embedding) must not cost the task: it runs on the general adapters. */
  private async routeFor(spec: TaskSpec): Promise<TaskRoute | null> {
    if (!this.deps.routing) return null;
    try {
      const route = await this.deps.routing.forPrompt(spec.prompt);
      if (route) this.deps.log(`task ${spec.taskId}: routed to cluster ${route.cluster} of clustering v${route.clustering}`);
      return route;
    } catch (error) {
      this.deps.log(`task ${spec.taskId}: not routed to a cluster (${(error as Error).message}); every role runs on its general adapter`);
      return null;
    }
  }

  private async revive(detail: TaskDetail): Promise<LiveTask> {
    if (!detail.diff) throw new ResponseError(ErrorCodes.InvalidState, `Task ${detail.id} has no diff to work from.`);
    const spec: TaskSpec = { taskId: detail.id, prompt: detail.prompt, repoPath: detail.repoPath };
    const worktree = await workspaceCall(() =>
      openTaskWorktree({ ...spec, worktreesDir: this.deps.paths.worktrees, baseCommit: detail.diff!.baseCommit }));
    // A task revived after a restart keeps the switches it started with; one recorded before they were stored takes today's.
    const options = taskAgentOptions(this.deps.store, detail.id) ?? this.deps.agentOptions();
    const task: LiveTask = {
      spec, options, worktree, controller: new AbortController(), running: null, route: this.deps.routing?.ofTask(detail.id) ?? null,
    };
    this.live.set(detail.id, task);
    return task;
  }

  private async removeWorktree(taskId: string): Promise<void> {
    const task = this.live.get(taskId);
    this.live.delete(taskId);
    try {
      await removeTaskWorktree({ repoPath: task?.spec.repoPath ?? this.detail(taskId).repoPath, taskId, worktreesDir: this.deps.paths.worktrees });
    } catch (error) {
      this.deps.log(`task ${taskId}: its worktree could not be removed: ${(error as Error).message}`);
    }
  }

  private detail(taskId: string): TaskDetail {
    return getTask(this.deps.store, taskId) ?? notFound(taskId);
  }

  summary(taskId: string): TaskSummary {
    const { subtasks: _subtasks, steps: _steps, diff: _diff, ...summary } = this.get(taskId);
    return summary;
  }

  /** A task in review after a restart is not live yet, but its worktree is where the review looks. Adds why a task of this run failed. */
  private withWorktree<T extends TaskSummary>(stored: T): T {
    const failure = this.failures.get(stored.id);
    // A failure the store could not take: the store still says 'running', this daemon knows better.
    const summary = !failure ? stored
      : failure.recorded ? (stored.state === 'failed' ? { ...stored, failureReason: failure.reason } : stored)
      : { ...stored, state: 'failed' as const, stopReason: 'error' as const, failureReason: failure.reason };
    const task = this.live.get(summary.id);
    if (task) return { ...summary, worktreePath: task.worktree.root };
    const path = taskWorktreePath(this.deps.paths.worktrees, summary.id);
    return summary.state === 'review' && existsSync(path) ? { ...summary, worktreePath: path } : summary;
  }
}

export function notFound(taskId: string): never {
  throw new ResponseError(ErrorCodes.NotFound, `No task ${taskId}; \`tandem tasks\` lists them.`);
}

function newTaskId(): string {
  return `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** Workspace refusals (not a git repo, a bad path) are the user's to fix: say so as a protocol error. */
async function workspaceCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof WorkspaceError) throw new ResponseError(ErrorCodes.WorkspaceViolation, error.message);
    throw error;
  }
}

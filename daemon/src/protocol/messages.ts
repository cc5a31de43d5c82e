// The one protocol between the daemon and its clients (extension, webview via the extension, CLI).
// Each message is declared once: method literal, params, result, and who sends it and why.
// Adding a message means one declaration here plus one handler in daemon/src/server.ts.
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { CriticAgreement } from './critic-stats.js';
import type { TaskEvent } from './events.js';
import type {
  AdapterInfo, AdapterRef, ApplyResult, ExportManifest, ExportOptions, FileReview, ModelInfo, ProgressEvent, Role,
  TaskDetail, TaskSummary,
} from './types.js';

/** A request type that keeps its method name as a literal type, so clients can be checked against it. */
export type Request<M extends string, P, R> = RequestType<P, R, void> & { readonly method: M };
export type Notification<M extends string, P> = NotificationType<P> & { readonly method: M };
const request = <P, R>() => <M extends string>(method: M) => new RequestType<P, R, void>(method) as Request<M, P, R>;
const notification = <P>() => <M extends string>(method: M) => new NotificationType<P>(method) as Notification<M, P>;

export type ParamsOf<T> = T extends Request<string, infer P, unknown> ? P : T extends Notification<string, infer P> ? P : never;
export type ResultOf<T> = T extends Request<string, unknown, infer R> ? R : never;

export interface DaemonStatus {
  version: string;
  pid: number;
  model: ModelInfo | null;
  backend: string; // 'cuda' | 'vulkan' | 'metal' | 'cpu'
  threads: number;
  adapters: Record<Role, AdapterRef>;
  generating: boolean;
  tasksRunning: number;
}

export interface StatsBucket {
  tasks: number;
  steps: Record<Role, number>;
  reviewed: number;
  approvalRate: number | null;
  mergedRate: number | null;
  topRejectionReasons: { reason: string; count: number }[];
}

export interface StatsReport {
  overall: StatsBucket;
  byAdapter: (StatsBucket & { role: Role; version: number | null })[];
  /** The critic's verdicts against the human's, per critic adapter version; empty when the critic never ran. */
  critic: CriticAgreement[];
}

// ---- Requests: client -> daemon ----

/** Any client: daemon health, loaded model, adapter per role, whether it is generating. */
export const Status = request<void, DaemonStatus>()('tandem/status');

/** Any client: models known locally and which one is loaded. */
export const ModelsList = request<void, { models: ModelInfo[]; active: string | null }>()('tandem/models/list');

/** Any client: registered adapters of every role and version. */
export const AdaptersList = request<{ role?: Role }, AdapterInfo[]>()('tandem/adapters/list');

/** Extension/CLI: register a new adapter version for a role; it is validated, then hot-swapped in. */
export const AdaptersAdd = request<{ role: Role; path: string }, AdapterInfo>()('tandem/adapters/add');

/** Extension/CLI: make a registered version (or none: the base model) the role's adapter. */
export const AdaptersUse = request<{ role: Role; version: number | null }, AdapterRef>()('tandem/adapters/use');

/** Extension/CLI: forget a registered version; the active one cannot be removed. */
export const AdaptersRemove = request<{ role: Role; version: number }, void>()('tandem/adapters/remove');

/** Extension/CLI: start a task on a repo; it runs until its diff is ready for review. critic/attempts override the daemon's settings for this task. */
export const TaskStart = request<{ repoPath: string; prompt: string; critic?: boolean; attempts?: number }, TaskSummary>()('tandem/task/start');

/** Extension/CLI: stop a task at any point; the running generation is aborted. */
export const TaskCancel = request<{ taskId: string }, TaskSummary>()('tandem/task/cancel');

/** Extension/CLI: past and current tasks, newest first. */
export const TaskList = request<{ limit?: number; repoPath?: string }, TaskSummary[]>()('tandem/task/list');

/** Extension/CLI: one task with its whole step timeline, for live view and replay. */
export const TaskGet = request<{ taskId: string }, TaskDetail>()('tandem/task/get');

/** Extension: receive TaskEventNotification for one task, or for every task with '*'. */
export const TaskSubscribe = request<{ taskId: string | '*' }, void>()('tandem/task/subscribe');

/** Extension: stop receiving events for a task (or '*'). */
export const TaskUnsubscribe = request<{ taskId: string | '*' }, void>()('tandem/task/unsubscribe');

/** Extension: a file's content at the task's base commit, the left side of the diff editor (null: added). */
export const ReviewOriginal = request<{ taskId: string; path: string }, { content: string | null }>()('tandem/review/original');

/** Extension/CLI: approve files or hunks (optionally with the user's edits); they are applied to the user's tree. */
export const ReviewApprove = request<{ taskId: string; files: FileReview[]; commit?: boolean }, ApplyResult>()('tandem/review/approve');

/** Extension/CLI: reject with a reason; with retry the agents start a new round knowing why. */
export const ReviewReject = request<{ taskId: string; reason: string; files?: string[]; retry: boolean }, TaskSummary>()('tandem/review/reject');

/** Extension/CLI: write a training dataset from the store; progress streams as ProgressNotification. */
export const ExportRun = request<ExportOptions, ExportManifest>()('tandem/export');

/** Extension/CLI: approval and merge rates, overall and per adapter version. */
export const StatsGet = request<void, StatsReport>()('tandem/stats');

/** Extension/CLI: look for approved changes that landed on the default branch, or were reverted. */
export const SignalsScan = request<{ repoPath?: string }, { merged: number; reverted: number }>()('tandem/signals/scan');

// ---- Notifications: daemon -> client ----

/** Daemon: a delta of a task the client subscribed to. */
export const TaskEventNotification = notification<TaskEvent>()('tandem/task/event');

/** Daemon: progress of long work started by this client (export, download, model load). */
export const ProgressNotification = notification<ProgressEvent>()('tandem/progress');

// The one protocol between the daemon and its clients (extension, webview via the extension, CLI).
// Each message is declared once: method literal, params, result, and who sends it and why.
// Adding a message means one declaration here plus one handler in daemon/src/server.ts. A request's
// declaration carries the schema of its params (see params-schema.ts): the daemon checks every
// request against it before a handler runs, and a schema that does not match P does not compile.
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { CriticAgreement } from './critic-stats.js';
import type { TaskEvent } from './events.js';
import { s, type Schema } from './params-schema.js';
import {
  EXPORT_FORMATS, ROLES, type AdapterInfo, type AdapterRef, type ApplyResult, type ExportManifest, type ExportOptions,
  type FileReview, type ModelInfo, type ProgressEvent, type Role, type TaskDetail, type TaskSummary,
} from './types.js';
import type { GpuStatus, WarmupStatus } from './gpu-status.js';
import type { SandboxStatus } from './sandbox-status.js';

/** A request type that keeps its method name as a literal type, so clients can be checked against it. */
export type Request<M extends string, P, R> = RequestType<P, R, void> & { readonly method: M; readonly paramsSchema: Schema<P> };
export type Notification<M extends string, P> = NotificationType<P> & { readonly method: M };
/** `request<P, R>()('tandem/x', schemaOfP)`: one declaration, its params schema included. */
export const request = <P, R>() => <M extends string>(method: M, paramsSchema: Schema<P>) =>
  Object.assign(new RequestType<P, R, void>(method), { paramsSchema }) as Request<M, P, R>;
const notification = <P>() => <M extends string>(method: M) => new NotificationType<P>(method) as Notification<M, P>;

// `any` for the other half: a request's params schema makes it invariant in P.
export type ParamsOf<T> = T extends Request<string, infer P, any> ? P : T extends Notification<string, infer P> ? P : never;
export type ResultOf<T> = T extends Request<string, any, infer R> ? R : never;

export interface DaemonStatus {
  version: string;
  pid: number;
  model: ModelInfo | null;
  backend: string; // 'cuda' | 'vulkan' | 'metal' | 'cpu'
  threads: number;
  adapters: Record<Role, AdapterRef>;
  generating: boolean;
  tasksRunning: number;
  /** Devices, VRAM, layers offloaded, and why no GPU is used when none is (gpu-status.ts). */
  gpu?: GpuStatus;
  /** The warm-up right after the model loaded: the status bar says "preparing GPU kernels" while it runs. */
  warmup?: WarmupStatus | null;
  /** Whether allowed commands can run in a sandbox here, and if not why and the fix (sandbox-status.ts). */
  sandbox?: SandboxStatus;
  /** The action script (TANDEM_ACTION_SCRIPT) whose matching actions the model evaluates instead of choosing; absent when none. */
  scriptedActions?: string;
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
  /** Per kind of work a step was routed to (`tandem clusters`): the tasks whose steps ran on that route; empty without clusters. */
  byCluster?: (StatsBucket & { clustering: number; cluster: number })[];
  /** The critic's verdicts against the human's, per critic adapter version; empty when the critic never ran. */
  critic: CriticAgreement[];
}

// ---- Requests: client -> daemon ----

const taskIdOnly = s.object({ taskId: s.string() });
const fileReview: Schema<FileReview> = s.object({
  path: s.string(),
  verdict: s.oneOf(['approve', 'reject', 'approve_with_edits']),
  hunks: s.optional(s.array(s.number())),
  editedContent: s.optional(s.string()),
  reason: s.optional(s.string()),
});
const exportOptions: Schema<ExportOptions> = s.object({
  format: s.oneOf(EXPORT_FORMATS),
  role: s.oneOf([...ROLES, 'all']),
  minSignal: s.optional(s.oneOf(['approved', 'merged'])),
  since: s.optional(s.string()),
  repo: s.optional(s.string()),
  split: s.optional(s.number()),
  cluster: s.optional(s.number()),
  out: s.string(),
}, 'the export options');

/** Any client: daemon health, loaded model, adapter per role, whether it is generating. */
export const Status = request<void, DaemonStatus>()('tandem/status', s.none());

/** Any client: models known locally and which one is loaded. */
export const ModelsList = request<void, { models: ModelInfo[]; active: string | null }>()('tandem/models/list', s.none());

/** Any client: registered adapters of every role and version. */
export const AdaptersList = request<{ role?: Role }, AdapterInfo[]>()('tandem/adapters/list', s.object({ role: s.optional(s.oneOf(ROLES)) }));

/** Extension/CLI: register a new adapter version for a role; it is validated, then hot-swapped in. With `cluster`, it serves only that cluster (protocol/work-clusters.ts). */
export const AdaptersAdd = request<{ role: Role; path: string; cluster?: number }, AdapterInfo>()('tandem/adapters/add', s.object({ role: s.oneOf(ROLES), path: s.string(), cluster: s.optional(s.number()) }));

/** Extension/CLI: make a registered version (or none: the base model) the role's adapter. */
export const AdaptersUse = request<{ role: Role; version: number | null }, AdapterRef>()('tandem/adapters/use', s.object({ role: s.oneOf(ROLES), version: s.nullable(s.number()) }));

/** Extension/CLI: forget a registered version; the active one cannot be removed. */
export const AdaptersRemove = request<{ role: Role; version: number }, void>()('tandem/adapters/remove', s.object({ role: s.oneOf(ROLES), version: s.number() }));

/** Extension/CLI: start a task on a repo; it runs until its diff is ready for review. critic/attempts override the daemon's settings for this task. */
export const TaskStart = request<{ repoPath: string; prompt: string; critic?: boolean; attempts?: number }, TaskSummary>()('tandem/task/start', s.object({
  repoPath: s.string(), prompt: s.string(), critic: s.optional(s.boolean()), attempts: s.optional(s.number()),
}));

/** Extension/CLI: stop a task at any point; the running generation is aborted. */
export const TaskCancel = request<{ taskId: string }, TaskSummary>()('tandem/task/cancel', taskIdOnly);

/** Extension/CLI: past and current tasks, newest first. */
export const TaskList = request<{ limit?: number; repoPath?: string }, TaskSummary[]>()('tandem/task/list', s.object({ limit: s.optional(s.number()), repoPath: s.optional(s.string()) }));

/** Extension/CLI: one task with its whole step timeline, for live view and replay. */
export const TaskGet = request<{ taskId: string }, TaskDetail>()('tandem/task/get', taskIdOnly);

/** Extension: receive TaskEventNotification for one task, or for every task with '*'. */
export const TaskSubscribe = request<{ taskId: string | '*' }, void>()('tandem/task/subscribe', taskIdOnly);

/** Extension: stop receiving events for a task (or '*'). */
export const TaskUnsubscribe = request<{ taskId: string | '*' }, void>()('tandem/task/unsubscribe', taskIdOnly);

/** Extension: a file's content at the task's base commit, the left side of the diff editor (null: added). */
export const ReviewOriginal = request<{ taskId: string; path: string }, { content: string | null }>()('tandem/review/original', s.object({ taskId: s.string(), path: s.string() }));

/** Extension/CLI: approve files or hunks (optionally with the user's edits); they are applied to the user's tree. */
export const ReviewApprove = request<{ taskId: string; files: FileReview[]; commit?: boolean }, ApplyResult>()('tandem/review/approve', s.object({ taskId: s.string(), files: s.array(fileReview), commit: s.optional(s.boolean()) }));

/** Extension/CLI: reject with a reason; with retry the agents start a new round knowing why. */
export const ReviewReject = request<{ taskId: string; reason: string; files?: string[]; retry: boolean }, TaskSummary>()('tandem/review/reject', s.object({ taskId: s.string(), reason: s.string(), files: s.optional(s.array(s.string())), retry: s.boolean() }));

/** Extension/CLI: write a training dataset from the store; progress streams as ProgressNotification. */
export const ExportRun = request<ExportOptions, ExportManifest>()('tandem/export', exportOptions);

/** Extension/CLI: approval and merge rates, overall and per adapter version. */
export const StatsGet = request<void, StatsReport>()('tandem/stats', s.none());

/** Extension/CLI: look for approved changes that landed on the default branch, or were reverted. */
export const SignalsScan = request<{ repoPath?: string }, { merged: number; reverted: number }>()('tandem/signals/scan', s.object({ repoPath: s.optional(s.string()) }));

// ---- Notifications: daemon -> client ----

/** Daemon: a delta of a task the client subscribed to. */
export const TaskEventNotification = notification<TaskEvent>()('tandem/task/event');

/** Daemon: progress of long work started by this client (export, download, model load). */
export const ProgressNotification = notification<ProgressEvent>()('tandem/progress');

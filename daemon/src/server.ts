// The daemon's composition root: every protocol message bound to its handler, in one screenful.
// Requests about tasks, models, review and data go to the Services; subscriptions and the daemon's
// own lifecycle are handled here. Adding a message: declare it in protocol/, add one line below.
import { ResponseError, type CancellationToken, type MessageConnection } from 'vscode-jsonrpc';
import { DaemonShutdown } from './protocol/daemon-lifecycle.js';
import { DaemonSettings } from './protocol/daemon-settings.js';
import { ReviewDropHunk, ReviewHunks } from './protocol/review-hunks.js';
import { ClustersBuild, ClustersList, ClustersUseAdapter } from './protocol/work-clusters.js';
import { PatternsExport, PatternsList } from './protocol/failure-patterns.js';
import { TrainingRun } from './protocol/training.js';
import {
  AdaptersChangedNotification, AdaptersEvaluate, AdaptersEvaluations, AdaptersImport, AdaptersPromote,
} from './protocol/adapter-evaluation.js';
import {
  AdaptersAdd, AdaptersList, AdaptersRemove, AdaptersUse, ExportRun, ModelsList, ProgressNotification, ReviewApprove,
  ReviewOriginal, ReviewReject, SignalsScan, StatsGet, Status, TaskCancel, TaskEventNotification, TaskGet, TaskList,
  TaskStart, TaskSubscribe, TaskUnsubscribe, type ParamsOf, type Request, type ResultOf,
} from './protocol/messages.js';
import type { ProgressEvent } from './protocol/types.js';
import type { TaskEventHub } from './server/task-event-hub.js';

const InvalidParams = -32602;

/** The requests the services answer, one method each; the key is the method's name on Services. */
export const serviceRequests = {
  status: Status,
  modelsList: ModelsList,
  adaptersList: AdaptersList,
  adaptersAdd: AdaptersAdd,
  adaptersUse: AdaptersUse,
  adaptersRemove: AdaptersRemove,
  adaptersImport: AdaptersImport,
  adaptersEvaluate: AdaptersEvaluate,
  adaptersPromote: AdaptersPromote,
  adaptersEvaluations: AdaptersEvaluations,
  taskStart: TaskStart,
  taskCancel: TaskCancel,
  taskList: TaskList,
  taskGet: TaskGet,
  reviewOriginal: ReviewOriginal,
  reviewApprove: ReviewApprove,
  reviewReject: ReviewReject,
  reviewHunks: ReviewHunks,
  reviewDropHunk: ReviewDropHunk,
  exportRun: ExportRun,
  statsGet: StatsGet,
  signalsScan: SignalsScan,
  daemonSettings: DaemonSettings,
  clustersList: ClustersList,
  clustersBuild: ClustersBuild,
  clustersUseAdapter: ClustersUseAdapter,
  patternsList: PatternsList,
  patternsExport: PatternsExport,
  trainingRun: TrainingRun,
} as const;

/** What a handler knows about the request it answers. */
export interface RequestContext {
  clientId: string;
  token: CancellationToken;
  /** Progress of this request's work, shown only to the client that asked for it. */
  progress(event: ProgressEvent): void;
}

type Handler<T> = (params: ParamsOf<T>, context: RequestContext) => Promise<ResultOf<T>> | ResultOf<T>;
export type ProtocolServices = { [K in keyof typeof serviceRequests]: Handler<(typeof serviceRequests)[K]> };

export interface ClientBinding {
  clientId: string;
  hub: TaskEventHub;
  requestShutdown(): void;
  log(line: string): void;
}

export function bindProtocol(connection: MessageConnection, services: ProtocolServices, client: ClientBinding): void {
  const progress = (event: ProgressEvent) => void connection.sendNotification(ProgressNotification, event).catch(() => undefined);
  for (const name of Object.keys(serviceRequests) as (keyof ProtocolServices)[]) {
    const handle = services[name] as Handler<Request<string, unknown, unknown>>;
    on(connection, serviceRequests[name], (params, token) =>
      answer(client, serviceRequests[name].method, () => handle.call(services, params, { clientId: client.clientId, token, progress })));
  }
  client.hub.attach(client.clientId,
    (event) => void connection.sendNotification(TaskEventNotification, event).catch(() => undefined),
    (change) => void connection.sendNotification(AdaptersChangedNotification, change).catch(() => undefined));
  on(connection, TaskSubscribe, (params) => client.hub.subscribe(client.clientId, taskIdOf(params)));
  on(connection, TaskUnsubscribe, (params) => client.hub.unsubscribe(client.clientId, taskIdOf(params)));
  on(connection, DaemonShutdown, () => {
    setImmediate(client.requestShutdown); // answer first, then stop
    return { pid: process.pid };
  });
}

/**
 * Binds by method name, so that params may be absent (clients other than vscode-jsonrpc send none for
 * a parameterless request), by name or as one positional value; absent params arrive as {}. Params
 * that do not fit the declaration's schema are answered with InvalidParams naming the field, and
 * the handler never sees them.
 */
function on<T extends Request<string, any, any>>(connection: MessageConnection, type: T, handle: (params: ParamsOf<T>, token: CancellationToken) => unknown): void {
  if (typeof type.paramsSchema?.check !== 'function') {
    throw new Error(`internal: ${type.method} is declared without a params schema (see daemon/src/protocol/README.md).`);
  }
  connection.onRequest(type.method, (...args: unknown[]) => {
    const token = args.pop() as CancellationToken;
    const params = args[0] ?? {};
    return paramsRefusal(type, params) ?? handle(params as ParamsOf<T>, token) as Promise<unknown>;
  });
}

/** InvalidParams naming the field when `params` do not fit the declaration's schema; null when they do. Also the CLI's in-process check. */
export function paramsRefusal(type: Request<string, unknown, unknown>, params: unknown): ResponseError<void> | null {
  const problem = type.paramsSchema.check(params, '');
  return problem ? new ResponseError(InvalidParams, `Invalid params for ${type.method}: ${problem}.`) : null;
}

/** Runs a handler; expected failures already are ResponseErrors, anything else is logged and named. */
async function answer<R>(client: ClientBinding, method: string, run: () => Promise<R> | R): Promise<R | ResponseError<void>> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ResponseError) return error;
    client.log(`${method} failed: ${error instanceof Error ? error.stack : String(error)}`);
    return new ResponseError(-32603, `${method} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function taskIdOf(params: unknown): string {
  const taskId = (params as { taskId?: unknown } | null)?.taskId;
  if (typeof taskId !== 'string' || taskId === '') {
    throw new ResponseError(InvalidParams, 'Expected { taskId: string } (a task id, or "*" for every task).');
  }
  return taskId;
}

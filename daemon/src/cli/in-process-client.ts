// Tandem with no daemon running: the daemon's own services, built in this process for one command and
// shut down when it closes. Requests go straight to the service methods the daemon would call, and task
// events come through a local TaskEventHub, so commands behave the same either way.
//
// What this process does NOT do is the daemon's start-up repair (markInterruptedTasks): "no daemon answers"
// does not mean "nobody else writes the store". Another command may be running a task in-process right
// now (two terminals), and marking its task interrupted would be wrong. A task cut off in-process (the
// process killed) keeps its 'running' state until the next daemon start marks it interrupted.
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc';
import { createDaemonServices } from '../daemon-services.js';
import { tandemPaths, type TandemPaths } from '../paths.js';
import type { TaskEvent } from '../protocol/events.js';
import { TaskSubscribe, TaskUnsubscribe, type Request, type ResultOf } from '../protocol/messages.js';
import type { ProgressEvent } from '../protocol/types.js';
import { paramsRefusal, serviceRequests, type RequestContext } from '../server.js';
import { createDaemonLog } from '../server/daemon-log.js';
import type { Services } from '../server/services.js';
import { TaskEventHub } from '../server/task-event-hub.js';
import type { RequestArgs, TandemClient } from './tandem-client.js';

const CLIENT_ID = 'cli';
const MethodNotFound = -32601;

type ServiceName = keyof typeof serviceRequests;
const serviceByMethod = new Map<string, ServiceName>(
  (Object.keys(serviceRequests) as ServiceName[]).map((name) => [serviceRequests[name].method, name]),
);

export class InProcessClient implements TandemClient {
  readonly mode = 'in-process';
  private readonly eventListeners: ((event: TaskEvent) => void)[] = [];
  private readonly progressListeners: ((event: ProgressEvent) => void)[] = [];
  private closing: Promise<void> | null = null;

  private constructor(private readonly services: Services, private readonly hub: TaskEventHub) {
    hub.attach(CLIENT_ID, (event) => this.eventListeners.forEach((listener) => listener(event)));
  }

  /** Builds the services; the model loads only when a request needs it. The log is the daemon's file. */
  static async start(options: { paths?: TandemPaths; env?: NodeJS.ProcessEnv } = {}): Promise<InProcessClient> {
    const paths = options.paths ?? tandemPaths();
    const log = createDaemonLog({ dir: paths.logs, stderr: Boolean(process.env.TANDEM_DEBUG) });
    const hub = new TaskEventHub();
    const services = await createDaemonServices({ paths, events: hub, log }, { loadModel: 'when-needed', env: options.env });
    return new InProcessClient(services, hub);
  }

  async request<T extends Request<string, any, any>>(type: T, ...[params, signal]: RequestArgs<T>): Promise<ResultOf<T>> {
    // The daemon's own check at the door, so a bad param reads the same with or without a daemon.
    const refusal = paramsRefusal(type, params ?? {});
    if (refusal) throw refusal;
    if (type.method === TaskSubscribe.method) return this.hub.subscribe(CLIENT_ID, (params as { taskId: string }).taskId) as ResultOf<T>;
    if (type.method === TaskUnsubscribe.method) return this.hub.unsubscribe(CLIENT_ID, (params as { taskId: string }).taskId) as ResultOf<T>;
    const name = serviceByMethod.get(type.method);
    if (!name) throw new ResponseError(MethodNotFound, `${type.method} needs a running daemon; start one with \`tandem daemon\`.`);
    const cancel = new CancellationTokenSource();
    const onAbort = () => cancel.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    const context: RequestContext = {
      clientId: CLIENT_ID,
      token: cancel.token,
      progress: (event) => this.progressListeners.forEach((listener) => listener(event)),
    };
    try {
      const handle = this.services[name] as (params: unknown, context: RequestContext) => Promise<ResultOf<T>> | ResultOf<T>;
      return await handle.call(this.services, params ?? {}, context);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      cancel.dispose();
    }
  }

  onTaskEvent(listener: (event: TaskEvent) => void): void {
    this.eventListeners.push(listener);
  }

  onProgress(listener: (event: ProgressEvent) => void): void {
    this.progressListeners.push(listener);
  }

  closed(): Promise<void> {
    return new Promise(() => undefined); // the services live as long as this client
  }

  /** Stops what is still running (a task is cancelled at its current step) and frees the model and store. */
  close(): Promise<void> {
    this.closing ??= this.services.shutdown().finally(() => this.hub.detach(CLIENT_ID));
    return this.closing;
  }
}

// One way for every command to talk to Tandem: the running daemon when there is one, else the same
// services built in this process. Commands never need to know which; `mode` says, for messages.
import type { TaskEvent } from '../protocol/events.js';
import type { Request, ResultOf } from '../protocol/messages.js';
import type { ProgressEvent } from '../protocol/types.js';
import type { RequestArgs } from '../client/daemon-client.js';
import { connectToDaemon, type ConnectOptions } from './daemon-client.js';
import { InProcessClient } from './in-process-client.js';

export type { RequestArgs };

export interface TandemClient {
  readonly mode: 'daemon' | 'in-process';
  /** Rejects with a ResponseError (its message is for the user) when the services refuse. */
  request<T extends Request<string, any, any>>(type: T, ...args: RequestArgs<T>): Promise<ResultOf<T>>;
  /** Events of the tasks this client subscribed to (TaskSubscribe). */
  onTaskEvent(listener: (event: TaskEvent) => void): void;
  /** Progress of this client's own requests (an export, a scan). */
  onProgress(listener: (event: ProgressEvent) => void): void;
  /** Resolves if the other side goes away (the daemon stopped); in-process, never before close. */
  closed(): Promise<void>;
  close(): Promise<void> | void;
}

export interface OpenOptions extends ConnectOptions {
  /** Environment for in-process services (TANDEM_MODEL, TANDEM_THREADS); the process's by default. */
  env?: NodeJS.ProcessEnv;
}

/** The running daemon as a client, or in-process services when none answers. */
export async function openTandemClient(options: OpenOptions = {}): Promise<TandemClient> {
  return (await connectToDaemon(options)) ?? InProcessClient.start(options);
}

/** Runs `work` with a client and closes it afterwards, whatever happens. */
export async function withTandemClient<T>(work: (client: TandemClient) => Promise<T>, options: OpenOptions = {}): Promise<T> {
  const client = await openTandemClient(options);
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

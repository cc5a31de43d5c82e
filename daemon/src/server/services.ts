// The services the daemon serves: one method per protocol request (see serviceRequests in
// ../server.ts), plus two lifecycle hooks. The runtime, store, agents, workspace and export areas
// implement them; the daemon only routes requests and events.
import type { TandemPaths } from '../paths.js';
import type { ProtocolServices } from '../server.js';
import type { DaemonLog } from './daemon-log.js';
import type { TaskEventPublisher } from './task-event-hub.js';

export type { ProtocolServices, RequestContext } from '../server.js';

export interface Services extends ProtocolServices {
  /** On start, before any client connects: tasks the store still has as running were cut off; mark them interrupted. Returns their ids. */
  markInterruptedTasks(): Promise<string[]>;
  /** On SIGTERM or a shutdown request: start nothing new, abort generations, and resolve once the current step is written. */
  shutdown(): Promise<void>;
}

/** What the daemon gives the services when it builds them. */
export interface ServiceHost {
  paths: TandemPaths;
  /** Publish task events here; they reach the clients that subscribed to the task. */
  events: TaskEventPublisher;
  log: DaemonLog;
}

export type ServicesFactory = (host: ServiceHost) => Promise<Services>;

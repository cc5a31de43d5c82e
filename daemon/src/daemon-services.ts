// The services `tandem daemon` runs with: the one place where the runtime, store, agents, workspace
// and export areas are plugged into the daemon. Until an area is wired in, its requests answer with
// an InvalidState error that says so, and status reports no model loaded.
import { ResponseError } from 'vscode-jsonrpc';
import { ErrorCodes } from './protocol/errors.js';
import type { DaemonStatus } from './protocol/messages.js';
import { serviceRequests } from './server.js';
import type { ProtocolServices, Services, ServicesFactory } from './server/services.js';
import { TANDEM_VERSION } from './version.js';

export const createDaemonServices: ServicesFactory = async () => {
  const services = Object.fromEntries(Object.entries(serviceRequests).map(([name, type]) => [name, () => {
    throw new ResponseError(ErrorCodes.InvalidState, `${type.method} is not available: this daemon was built without the service that answers it.`);
  }])) as unknown as ProtocolServices;
  const status = (): DaemonStatus => ({
    version: TANDEM_VERSION,
    pid: process.pid,
    model: null,
    backend: 'none',
    threads: 0,
    adapters: { orchestrator: { role: 'orchestrator', version: null, sha256: null }, worker: { role: 'worker', version: null, sha256: null } },
    generating: false,
    tasksRunning: 0,
  });
  return { ...services, status, markInterruptedTasks: async () => [], shutdown: async () => undefined } satisfies Services;
};

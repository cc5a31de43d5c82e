// Messages about the daemon process itself, beside the task protocol in messages.ts.
import { request } from './messages.js';
import { s } from './params-schema.js';

/** CLI (`tandem daemon --stop`): stop the daemon gracefully: the current step is written, then it exits. */
export const DaemonShutdown = request<void, { pid: number }>()('tandem/daemon/shutdown', s.none());

// Messages about the daemon process itself, beside the task protocol in messages.ts.
import { RequestType } from 'vscode-jsonrpc';
import type { Request } from './messages.js';

/** CLI (`tandem daemon --stop`): stop the daemon gracefully: the current step is written, then it exits. */
export const DaemonShutdown = new RequestType<void, { pid: number }, void>('tandem/daemon/shutdown') as Request<'tandem/daemon/shutdown', void, { pid: number }>;

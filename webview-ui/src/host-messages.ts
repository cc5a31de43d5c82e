// Messages between the panel (webview) and the extension host. Types only: the extension imports
// them with `import type`. Protocol requests travel by method name; the host forwards any `tandem/`
// method, so a new protocol message needs no change here.
import type { TaskEvent } from '../../daemon/src/protocol/events.js';

export type PanelToHost =
  | { kind: 'ready' }
  | { kind: 'request'; id: number; method: string; params?: unknown }
  /** Ask the host to run one of the extension's commands (e.g. open the review of a task). */
  | { kind: 'command'; command: string; args: unknown[] };

export type HostToPanel =
  | { kind: 'response'; id: number; result?: unknown; error?: { message: string; code?: number } }
  | { kind: 'event'; event: TaskEvent }
  | { kind: 'connection'; state: string; detail: string }
  | { kind: 'folders'; folders: { name: string; path: string }[] };

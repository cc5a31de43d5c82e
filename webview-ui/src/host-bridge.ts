// The panel's side of the webview channel: typed requests to the daemon (through the host) and
// the stream of messages the host pushes.
import type { ParamsOf, Request, ResultOf } from '../../daemon/src/protocol/messages.js';
import type { HostToPanel, PanelToHost } from './host-messages.js';

interface VsCodeApi {
  postMessage(message: PanelToHost): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

type AnyRequest = Request<string, any, any>; // any: a request's params schema makes it invariant in its params

export class HostBridge {
  private readonly vscode = acquireVsCodeApi();
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  constructor(private readonly onMessage: (message: Exclude<HostToPanel, { kind: 'response' }>) => void) {
    window.addEventListener('message', (event: MessageEvent<HostToPanel>) => this.receive(event.data));
  }

  ready(): void {
    this.vscode.postMessage({ kind: 'ready' });
  }

  /** `request<typeof TaskStart>('tandem/task/start', ...)`: the method literal is checked against the declaration. */
  request<T extends AnyRequest>(method: T['method'], params: ParamsOf<T>): Promise<ResultOf<T>> {
    const id = this.nextId++;
    this.vscode.postMessage({ kind: 'request', id, method, params });
    return new Promise((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
  }

  command(command: string, ...args: unknown[]): void {
    this.vscode.postMessage({ kind: 'command', command, args });
  }

  private receive(message: HostToPanel): void {
    if (message.kind !== 'response') return this.onMessage(message);
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    if (message.error) waiter.reject(new Error(message.error.message));
    else waiter.resolve(message.result);
  }
}

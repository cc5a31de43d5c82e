// One model, many requests: generations run one at a time, taken round-robin across clients and,
// within a client, across its tasks, so one busy task cannot starve the others.
// Cancel works at any point: a queued generation is dropped, a running one gets its signal aborted.
import type { GenerateRequest, GenerateResult, ModelPort } from '../agents/ports.js';
import type { Role } from '../protocol/types.js';

/** Who a generation is for; the unit of fairness. */
export interface GenerationOwner {
  clientId: string;
  taskId: string;
}

interface Entry {
  owner: GenerationOwner;
  request: GenerateRequest;
  controller: AbortController;
  resolve(result: GenerateResult): void;
  reject(error: unknown): void;
}

/** Rejection of a generation cancelled before it started; the same name fetch() uses. */
export class GenerationCancelledError extends Error {
  override readonly name = 'AbortError';
  constructor(readonly taskId: string) {
    super(`The generation for task ${taskId} was cancelled before it started.`);
  }
}

export class GenerationScheduler {
  // Round-robin order: clients, and per client its tasks; each task keeps a FIFO.
  private readonly clients: string[] = [];
  private readonly tasksOf = new Map<string, string[]>();
  private readonly queues = new Map<string, Entry[]>();
  private running: Entry | null = null;

  constructor(private readonly model: ModelPort) {}

  /** A ModelPort whose calls are queued under this owner: what a task's agents get. */
  portFor(owner: GenerationOwner): ModelPort {
    const model = this.model;
    return {
      generate: (request) => this.generate(owner, request),
      contextSize: (role: Role) => model.contextSize(role),
      countTokens: (text: string) => model.countTokens(text),
      get baseModelSha() { return model.baseModelSha; },
    };
  }

  generate(owner: GenerationOwner, request: GenerateRequest): Promise<GenerateResult> {
    return new Promise((resolve, reject) => {
      if (request.signal?.aborted) { reject(new GenerationCancelledError(owner.taskId)); return; }
      const controller = new AbortController();
      const forward = () => controller.abort(request.signal!.reason);
      // A task reuses one signal for all its generations: drop our listener when this one settles.
      const settled = () => request.signal?.removeEventListener('abort', forward);
      const entry: Entry = {
        owner, request, controller,
        resolve: (result) => { settled(); resolve(result); },
        reject: (error) => { settled(); reject(error); },
      };
      request.signal?.addEventListener('abort', forward, { once: true });
      controller.signal.addEventListener('abort', () => this.dropQueued(entry), { once: true });
      this.enqueue(entry);
      this.pump();
    });
  }

  /** Aborts every queued and running generation of a task. Returns how many were affected. */
  cancelTask(taskId: string): number {
    return this.cancelWhere((owner) => owner.taskId === taskId);
  }

  /** Aborts everything: for shutdown. */
  cancelAll(): number {
    return this.cancelWhere(() => true);
  }

  get generating(): boolean {
    return this.running !== null;
  }

  get queued(): number {
    let n = 0;
    for (const queue of this.queues.values()) n += queue.length;
    return n;
  }

  private cancelWhere(match: (owner: GenerationOwner) => boolean): number {
    const hit = [...this.queues.values()].flat().filter((e) => match(e.owner));
    if (this.running && match(this.running.owner)) hit.push(this.running);
    for (const entry of hit) entry.controller.abort();
    return hit.length;
  }

  private enqueue(entry: Entry): void {
    const { clientId, taskId } = entry.owner;
    const key = laneKey(entry.owner);
    if (!this.tasksOf.has(clientId)) { this.tasksOf.set(clientId, []); this.clients.push(clientId); }
    const tasks = this.tasksOf.get(clientId)!;
    if (!this.queues.has(key)) { this.queues.set(key, []); tasks.push(taskId); }
    this.queues.get(key)!.push(entry);
  }

  private dropQueued(entry: Entry): void {
    const queue = this.queues.get(laneKey(entry.owner));
    const at = queue?.indexOf(entry) ?? -1;
    if (at < 0) return; // running or already done: the running generation sees the abort through its signal
    queue!.splice(at, 1);
    if (queue!.length === 0) this.removeLane(entry.owner);
    entry.reject(new GenerationCancelledError(entry.owner.taskId));
  }

  private next(): Entry | null {
    const client = this.clients.shift();
    if (client === undefined) return null;
    const tasks = this.tasksOf.get(client)!;
    const taskId = tasks.shift()!;
    const owner = { clientId: client, taskId };
    const entry = this.queues.get(laneKey(owner))!.shift()!;
    // The lane and the client go to the back of their rotations if they still have work.
    if (this.queues.get(laneKey(owner))!.length > 0) tasks.push(taskId);
    else this.queues.delete(laneKey(owner));
    if (tasks.length > 0) this.clients.push(client);
    else this.tasksOf.delete(client);
    return entry;
  }

  private removeLane(owner: GenerationOwner): void {
    this.queues.delete(laneKey(owner));
    const tasks = this.tasksOf.get(owner.clientId);
    if (!tasks) return;
    tasks.splice(tasks.indexOf(owner.taskId), 1);
    if (tasks.length === 0) {
      this.tasksOf.delete(owner.clientId);
      this.clients.splice(this.clients.indexOf(owner.clientId), 1);
    }
  }

  private pump(): void {
    if (this.running) return;
    const entry = this.next();
    if (!entry) return;
    this.running = entry;
    const request = { ...entry.request, signal: entry.controller.signal };
    Promise.resolve().then(() => this.model.generate(request)).then(entry.resolve, entry.reject).finally(() => {
      this.running = null;
      this.pump();
    });
  }
}

function laneKey(owner: GenerationOwner): string {
  return JSON.stringify([owner.clientId, owner.taskId]);
}

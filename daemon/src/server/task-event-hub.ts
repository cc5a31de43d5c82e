// Fan-out of task events: each event goes only to the subscribers that asked for its task (or '*').
// Adapter changes concern everyone: they go to every subscriber that takes them.
import type { AdaptersChanged } from '../protocol/adapter-evaluation.js';
import type { TaskEvent } from '../protocol/events.js';

export type TaskEventSink = (event: TaskEvent) => void;
export type AdaptersChangedSink = (change: AdaptersChanged) => void;

/** What the services see: somewhere to publish events, with no idea who listens. */
export interface TaskEventPublisher {
  publish(event: TaskEvent): void;
  /** Tells every client that a role's adapters changed (optional: a test's publisher may not care). */
  announce?(change: AdaptersChanged): void;
}

interface Subscriber {
  sink: TaskEventSink;
  taskIds: Set<string>;
  adapters?: AdaptersChangedSink;
}

export class TaskEventHub implements TaskEventPublisher {
  private readonly subscribers = new Map<string, Subscriber>();

  /** Registers a subscriber (a client session, or an in-process listener) that starts with no subscriptions. */
  attach(subscriberId: string, sink: TaskEventSink, adapters?: AdaptersChangedSink): void {
    this.subscribers.set(subscriberId, { sink, taskIds: new Set(), ...(adapters && { adapters }) });
  }

  detach(subscriberId: string): void {
    this.subscribers.delete(subscriberId);
  }

  subscribe(subscriberId: string, taskId: string): void {
    this.subscriberOf(subscriberId).taskIds.add(taskId);
  }

  unsubscribe(subscriberId: string, taskId: string): void {
    this.subscriberOf(subscriberId).taskIds.delete(taskId);
  }

  publish(event: TaskEvent): void {
    for (const [id, subscriber] of this.subscribers) {
      if (!subscriber.taskIds.has('*') && !subscriber.taskIds.has(event.taskId)) continue;
      try {
        subscriber.sink(event);
      } catch {
        // A subscriber whose sink throws has gone away; the others still get the event.
        this.subscribers.delete(id);
      }
    }
  }

  announce(change: AdaptersChanged): void {
    for (const [id, subscriber] of this.subscribers) {
      try {
        subscriber.adapters?.(change);
      } catch {
        this.subscribers.delete(id);
      }
    }
  }

  subscriberCount(taskId: string): number {
    let count = 0;
    for (const s of this.subscribers.values()) if (s.taskIds.has('*') || s.taskIds.has(taskId)) count++;
    return count;
  }

  private subscriberOf(id: string): Subscriber {
    const subscriber = this.subscribers.get(id);
    if (!subscriber) throw new Error(`No subscriber ${id} is attached.`);
    return subscriber;
  }
}

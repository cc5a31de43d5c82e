// Fan-out of task events: each event goes only to the subscribers that asked for its task (or '*').
import type { TaskEvent } from '../protocol/events.js';

export type TaskEventSink = (event: TaskEvent) => void;

/** What the services see: somewhere to publish events, with no idea who listens. */
export interface TaskEventPublisher {
  publish(event: TaskEvent): void;
}

interface Subscriber {
  sink: TaskEventSink;
  taskIds: Set<string>;
}

export class TaskEventHub implements TaskEventPublisher {
  private readonly subscribers = new Map<string, Subscriber>();

  /** Registers a subscriber (a client session, or an in-process listener) that starts with no subscriptions. */
  attach(subscriberId: string, sink: TaskEventSink): void {
    this.subscribers.set(subscriberId, { sink, taskIds: new Set() });
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

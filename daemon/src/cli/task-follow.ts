// Following a task round to its end: subscribe, show each step as it finishes (on a terminal), and hand
// back the task once the round has ended. Shared by `run`, `review --reject` and the demo.
import { TaskGet, TaskSubscribe, TaskUnsubscribe } from '../protocol/messages.js';
import type { TaskEvent } from '../protocol/events.js';
import type { TaskDetail, TaskState } from '../protocol/types.js';
import type { TandemClient } from './tandem-client.js';
import { stepLine } from './task-report.js';

const ROUND_ENDS: ReadonlySet<TaskState> = new Set(['review', 'applied', 'rejected', 'finished', 'failed', 'cancelled', 'interrupted']);

/** Thrown when the daemon goes away before the round ends. */
export class DaemonGoneError extends Error {}

/**
 * Subscribes to the task (every task while a new one has no id yet), then calls `trigger`, which starts
 * the round and says which task and round it is; no event is missed. Resolves with the task once that
 * round has ended.
 */
export async function followRound(
  client: TandemClient, taskId: string | null, trigger: () => Promise<{ taskId: string; round: number }>,
  onEvent: (event: TaskEvent) => void = () => undefined,
): Promise<TaskDetail> {
  let id: string | null = null;
  let ended!: () => void;
  const roundEnded = new Promise<void>((resolve) => { ended = resolve; });
  const early: TaskEvent[] = [];
  const handle = (event: TaskEvent) => {
    if (event.taskId !== id) return;
    onEvent(event);
    if (event.type === 'task.state' && ROUND_ENDS.has(event.state)) ended();
  };
  client.onTaskEvent((event) => (id === null ? early.push(event) : handle(event)));
  await client.request(TaskSubscribe, { taskId: taskId ?? '*' });
  const started = await trigger();
  id = started.taskId;
  early.splice(0).forEach(handle);
  if (taskId === null) {
    await client.request(TaskSubscribe, { taskId: id });
    await client.request(TaskUnsubscribe, { taskId: '*' });
  }
  const now = await client.request(TaskGet, { taskId: id });
  if (!(now.round >= started.round && ROUND_ENDS.has(now.state))) {
    const gone = client.closed().then(() => { throw new DaemonGoneError(`The daemon stopped while task ${id} ran; \`tandem task ${id}\` shows how far it got.`); });
    await Promise.race([roundEnded, gone]);
  }
  await client.request(TaskUnsubscribe, { taskId: id });
  return client.request(TaskGet, { taskId: id });
}

/** A compact live view on stderr when it is a terminal: a line per finished step, a line per new round. */
export function liveView(stream: NodeJS.WriteStream = process.stderr): (event: TaskEvent) => void {
  if (!stream.isTTY) return () => undefined;
  return (event) => {
    if (event.type === 'round.started') {
      stream.write(`round ${event.round}${event.feedback ? ` (feedback: ${JSON.stringify(event.feedback)})` : ''}\n`);
    } else if (event.type === 'step.started') {
      stream.write(`\x1b[2K  … ${event.role} ${event.adapter.version === null ? 'base' : `v${event.adapter.version}`} generating\r`);
    } else if (event.type === 'step.finished') {
      stream.write(`\x1b[2K  ${stepLine(event.step)}\n`);
    }
  };
}

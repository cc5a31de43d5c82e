// The daemon's transport cost, against a real daemon process (the test daemon: real server, real
// scheduler and event hub, synthetic token source, SQLite records):
// - rpc_roundtrip_ms_p50/p99: a status request and its answer over the WebSocket.
// - ws_vs_inproc: token-streaming throughput seen by a WebSocket client divided by the same task's
//   throughput seen by an in-process subscriber, measured end to end (start request to last token).
//   It is measured at a realistic generation rate (100 tokens/s, a fast local model) because that is
//   what users see: the transport only has to keep up. The max-rate figures (tokens emitted as fast as
//   the process can) are reported beside it to show the transport's headroom, not as the target.
import { connectToDaemon, type DaemonClient } from '../../daemon/src/cli/daemon-client.js';
import type { TaskEvent } from '../../daemon/src/protocol/events.js';
import { Status, TaskStart, TaskSubscribe } from '../../daemon/src/protocol/messages.js';
import type { RequestContext } from '../../daemon/src/server.js';
import { TaskEventHub } from '../../daemon/src/server/task-event-hub.js';
import { makeTandemHome, startDaemon } from '../fixtures/daemon/spawn-daemon.js';
import { createSyntheticServices } from '../fixtures/daemon/synthetic-services.js';

const REALISTIC = { tokens: 300, tokensPerSecond: 100 };
const MAX_RATE = { tokens: 20_000, tokensPerSecond: 0 };
const ROUND_TRIPS = 1000;

type Script = { tokens: number; tokensPerSecond: number };
type StartAndWatch = (script: Script, onEvent: (event: TaskEvent) => void) => Promise<void>;

/** Tokens per second from the start request to the last token of the task. */
async function throughput(startAndWatch: StartAndWatch, script: Script): Promise<number> {
  let tokens = 0;
  let last = 0;
  let finished!: () => void;
  const done = new Promise<void>((resolve) => { finished = resolve; });
  const started = performance.now();
  await startAndWatch(script, (event) => {
    if (event.type === 'step.tokens') { tokens++; last = performance.now(); }
    if (event.type === 'task.state') finished();
  });
  await done;
  if (tokens !== script.tokens) throw new Error(`Expected ${script.tokens} tokens, received ${tokens}.`);
  return tokens / ((last - started) / 1000);
}

const prompt = (script: Script) => JSON.stringify({ steps: 1, ...script });

export async function run(): Promise<Record<string, number | string>> {
  const daemonHome = makeTandemHome();
  const localHome = makeTandemHome();
  const daemon = await startDaemon(daemonHome.env);
  let client: DaemonClient | null = null;
  const hub = new TaskEventHub();
  const inProcessServices = await createSyntheticServices({ paths: localHome.paths, events: hub, log: { info() {}, warn() {}, error() {} } });
  try {
    client = await connectToDaemon({ paths: daemonHome.paths });
    if (!client) throw new Error('The benchmark daemon did not accept a connection.');
    const remote = client;

    for (let i = 0; i < 100; i++) await remote.request(Status); // warm up both ends
    const times: number[] = [];
    for (let i = 0; i < ROUND_TRIPS; i++) {
      const t = performance.now();
      await remote.request(Status);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);

    let sink: (event: TaskEvent) => void = () => undefined;
    remote.onTaskEvent((event) => sink(event));
    await remote.request(TaskSubscribe, { taskId: '*' });
    const overWebSocket: StartAndWatch = async (script, onEvent) => {
      sink = onEvent;
      await remote.request(TaskStart, { repoPath: '/bench', prompt: prompt(script) });
    };
    const context = { clientId: 'bench', progress: () => undefined } as unknown as RequestContext;
    const inProcess: StartAndWatch = async (script, onEvent) => {
      hub.detach('bench');
      hub.attach('bench', onEvent);
      hub.subscribe('bench', '*');
      await inProcessServices.taskStart({ repoPath: '/bench', prompt: prompt(script) }, context);
    };

    // Alternate the two, twice each, and keep the better run of each to damp scheduling noise.
    const best = async (watch: StartAndWatch, script: Script) => Math.max(await throughput(watch, script), await throughput(watch, script));
    const wsRealistic = await best(overWebSocket, REALISTIC);
    const localRealistic = await best(inProcess, REALISTIC);
    const wsMax = await best(overWebSocket, MAX_RATE);
    const localMax = await best(inProcess, MAX_RATE);
    return {
      rpc_roundtrip_ms_p50: times[Math.floor(times.length * 0.5)]!,
      rpc_roundtrip_ms_p99: times[Math.floor(times.length * 0.99)]!,
      ws_vs_inproc: wsRealistic / localRealistic,
      ws_tokens_per_s_realistic: wsRealistic,
      inproc_tokens_per_s_realistic: localRealistic,
      ws_vs_inproc_max_rate: wsMax / localMax,
      ws_tokens_per_s_max: wsMax,
      inproc_tokens_per_s_max: localMax,
      realistic_rate_tokens_per_s: REALISTIC.tokensPerSecond,
    };
  } finally {
    client?.close();
    await inProcessServices.shutdown();
    daemon.child.kill('SIGTERM');
    await daemon.exited;
    daemonHome.remove();
    localHome.remove();
  }
}

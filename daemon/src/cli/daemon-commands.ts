// `tandem daemon` (start, or find the running one), `tandem daemon --stop`, and `tandem status`.
import { createDaemonServices } from '../daemon-services.js';
import { tandemPaths } from '../paths.js';
import { DaemonShutdown } from '../protocol/daemon-lifecycle.js';
import { Status, type DaemonStatus } from '../protocol/messages.js';
import type { Role } from '../protocol/types.js';
import { runDaemon } from '../server/daemon-process.js';
import { isProcessAlive, readDiscovery } from '../server/discovery-file.js';
import { TANDEM_VERSION } from '../version.js';
import type { CliCommand } from './command.js';
import { printResult } from './command-output.js';
import { connectToDaemon, withDaemonOrInProcess } from './daemon-client.js';
import { gpuLines, STATUS_HEADING, warmupLine } from './gpu-lines.js';

const STOP_WAIT_MS = 30_000;

export const daemonCommands: CliCommand[] = [
  {
    name: 'daemon',
    usage: 'daemon [--port N] [--stop]',
    summary: 'Run the Tandem daemon (one per user), or stop the running one with --stop.',
    options: { stop: { type: 'boolean' }, port: { type: 'string' } },
    async run({ values }) {
      const paths = tandemPaths();
      if (values.stop) return stopDaemon();
      const port = values.port === undefined ? 0 : Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        console.error(`--port must be a port number (0-65535), not ${String(values.port)}.`);
        return 2;
      }
      const code = await runDaemon({ paths, createServices: createDaemonServices, version: TANDEM_VERSION, port });
      // Once stopped, nothing may keep the process alive (a native handle of a service, say).
      process.exit(code);
    },
  },
  {
    name: 'status',
    usage: 'status [--json]',
    summary: 'Show whether the daemon runs, its model, adapters and work.',
    async run({ values }) {
      const json = values.json === true;
      const status = await withDaemonOrInProcess<DaemonStatus | null>((client) => client.request(Status), async () => null);
      printResult(json, status === null ? { running: false } : { running: true, ...status },
        () => (status === null ? 'No Tandem daemon is running.' : describeStatus(status)));
      return 0;
    },
  },
];

async function stopDaemon(): Promise<number> {
  const paths = tandemPaths();
  const read = readDiscovery(paths.discovery);
  if (read.kind !== 'found' || !isProcessAlive(read.discovery.pid)) {
    console.log('No Tandem daemon is running.');
    return 0;
  }
  const { pid } = read.discovery;
  const client = await connectToDaemon({ paths });
  if (client) {
    await client.request(DaemonShutdown).catch(() => undefined);
    client.close();
  } else {
    process.kill(pid, 'SIGTERM'); // it does not answer; SIGTERM asks for the same clean stop
  }
  const deadline = Date.now() + STOP_WAIT_MS;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) {
      console.error(`The daemon (pid ${pid}) is still finishing its current step after ${STOP_WAIT_MS / 1000}s; it will exit when done.`);
      return 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  console.log(`Stopped the Tandem daemon (pid ${pid}).`);
  return 0;
}

function describeStatus(s: DaemonStatus): string {
  const adapter = (role: Role) => (s.adapters[role].version === null ? 'base' : `v${s.adapters[role].version}`);
  return [
    `Tandem daemon ${s.version} (pid ${s.pid})`,
    `  model:    ${s.model ? `${s.model.name}${s.model.fixture ? ' (test fixture)' : ''}` : 'none loaded'} on ${s.backend}, ${s.threads} threads`,
    `  adapters: orchestrator ${adapter('orchestrator')}, worker ${adapter('worker')}, critic ${adapter('critic')}`,
    `  work:     ${s.tasksRunning} task(s) running${s.generating ? ', generating' : ''}`,
    ...(warmupLine(s.warmup) ? [warmupLine(s.warmup)!] : []),
    ...(s.gpu ? gpuLines(s.gpu, STATUS_HEADING) : []),
    ...(s.sandbox ? [`  sandbox:  ${sandboxLine(s.sandbox)}`] : []),
    ...(s.scriptedActions ? [`  actions:  scripted by ${s.scriptedActions} (TANDEM_ACTION_SCRIPT): the model does not choose the actions its rules match`] : []),
  ].join('\n');
}

function sandboxLine(sandbox: NonNullable<DaemonStatus['sandbox']>): string {
  if (sandbox.mode === 'bubblewrap') return 'bubblewrap (allowed commands run in it)';
  if (sandbox.mode === 'unsandboxed') return 'off (TANDEM_UNSANDBOXED_COMMANDS=1): allowed commands run as you';
  return `none: ${sandbox.reason}; allowed commands are refused until you ${sandbox.fix}`;
}

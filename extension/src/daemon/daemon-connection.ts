// Keeps the extension connected to a daemon: attach through the discovery file, start one when
// none runs (if allowed), reconnect with backoff when it restarts, and tell the user what to do
// when it cannot. Consumers listen to onDidConnect and re-subscribe there.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { tandemPaths } from '../../../daemon/src/paths.js';
import type { DaemonLog } from '../daemon-log.js';
import { daemonEnvironment, readSettings } from '../settings.js';
import { DaemonClient } from '../../../daemon/src/client/daemon-client.js';
import { daemonLogFile, launchDaemon, type LaunchFailure } from './daemon-launcher.js';
import { isProcessAlive, readDiscovery } from './discovery.js';
import { reconnectDelay, RestartBudget } from './reconnect-backoff.js';

export type ConnectionState = 'connecting' | 'starting' | 'connected' | 'offline' | 'failed';

/** Attempts after a launch before we call the start failed (~1.5 minutes with the backoff). */
const LAUNCH_ATTEMPTS = 14;

export class DaemonConnection implements vscode.Disposable {
  private current: DaemonClient | null = null;
  private stateValue: ConnectionState = 'connecting';
  private detailValue = '';
  private loop: Promise<void> | null = null;
  private disposed = false;
  private wake: (() => void) | null = null;
  private readonly restarts = new RestartBudget();
  private readonly stateEmitter = new vscode.EventEmitter<ConnectionState>();
  private readonly connectEmitter = new vscode.EventEmitter<DaemonClient>();
  readonly onDidChangeState = this.stateEmitter.event;
  readonly onDidConnect = this.connectEmitter.event;

  constructor(private readonly extensionRoot: string, private readonly log: DaemonLog) {}

  get state(): ConnectionState {
    return this.stateValue;
  }

  get detail(): string {
    return this.detailValue;
  }

  get client(): DaemonClient | null {
    return this.current && !this.current.isClosed ? this.current : null;
  }

  /** For commands: the live client, or an error that says what to do. */
  requireClient(): DaemonClient {
    const client = this.client;
    if (!client) throw new Error(`Tandem's daemon is not connected (${this.stateValue}${this.detailValue ? `: ${this.detailValue}` : ''}). Run "Tandem: Retry Connecting to the Daemon".`);
    return client;
  }

  /** Starts the connect loop, or wakes it from a backoff wait. */
  start(): void {
    if (this.loop) {
      this.wake?.();
      return;
    }
    this.loop = this.run().finally(() => { this.loop = null; });
  }

  /** Retry after a failure: the user fixed something, so the restart budget starts afresh. */
  retry(): void {
    this.restarts.reset();
    this.start();
  }

  dispose(): void {
    this.disposed = true;
    this.wake?.();
    this.current?.close();
    this.stateEmitter.dispose();
    this.connectEmitter.dispose();
  }

  private async run(): Promise<void> {
    let attempt = 0;
    let launchedAt: number | null = null;
    while (!this.disposed) {
      const found = await readDiscovery();
      let reason: string;
      if (found.kind === 'found' && isProcessAlive(found.discovery.pid)) {
        try {
          this.setState('connecting', `pid ${found.discovery.pid}`);
          const client = await DaemonClient.connect(found.discovery);
          this.attached(client, launchedAt !== null);
          return;
        } catch (error) {
          reason = (error as Error).message;
        }
      } else {
        reason = found.kind === 'invalid' ? found.message : found.kind === 'found' ? 'the daemon named in the discovery file is not running' : 'no daemon is running';
      }
      if (found.kind === 'invalid') {
        // Another window may be writing it right now; a file that stays bad needs the user.
        if (attempt >= 4) return this.fail(reason, 'invalid');
      } else if (launchedAt === null) {
        if (!readSettings().autoStart) return this.setState('offline', `${reason}; auto-start is off`);
        if (!this.restarts.tryTake(Date.now())) return this.fail('the daemon stopped three times in five minutes', 'exited');
        const failure = await this.launch();
        if (failure) return this.fail(failure.message, failure.kind, failure.kind === 'no-runtime' ? failure.installCommand : undefined);
        launchedAt = attempt;
      } else if (attempt - launchedAt > LAUNCH_ATTEMPTS) {
        return this.fail(`the daemon was started but never became reachable (${reason})`, 'exited');
      }
      await this.sleep(reconnectDelay(attempt++));
    }
  }

  private async launch(): Promise<LaunchFailure | null> {
    const settings = readSettings();
    this.setState('starting', `${settings.nodePath} dist/daemon/cli.js daemon`);
    const paths = tandemPaths();
    const logsDir = paths.logs;
    await this.log.follow(daemonLogFile(logsDir), false);
    const result = await launchDaemon({ nodePath: settings.nodePath, extensionRoot: this.extensionRoot, tandemHome: paths.home, logsDir, env: daemonEnvironment(settings, process.env) });
    if (!result.ok) return result.failure;
    this.log.info(`started the daemon (pid ${result.pid}) with ${settings.nodePath}`);
    return null;
  }

  private attached(client: DaemonClient, launched: boolean): void {
    this.current = client;
    this.log.info(`connected to the daemon (pid ${client.pid})`);
    void this.log.follow(join(tandemPaths().logs, 'daemon.log'), launched);
    client.onClose(() => {
      if (this.disposed || this.current !== client) return;
      this.log.info('the daemon connection closed; reconnecting');
      this.current = null;
      this.setState('connecting', 'reconnecting');
      this.start();
    });
    this.setState('connected', `pid ${client.pid}`);
    this.connectEmitter.fire(client);
  }

  private fail(message: string, kind: LaunchFailure['kind'] | 'invalid', installCommand?: string): void {
    this.setState('failed', message);
    this.log.info(`cannot connect: ${message}`);
    const actions = kind === 'no-node' || kind === 'old-node' ? ['Open Settings', 'Retry']
      : installCommand ? ['Install in Terminal', 'Retry'] : ['Open Log', 'Retry'];
    void vscode.window.showErrorMessage(`Tandem: ${message}`, ...actions).then((choice) => {
      if (choice === 'Retry') this.retry();
      else if (choice === 'Install in Terminal' && installCommand) {
        const terminal = vscode.window.createTerminal('Tandem runtime');
        terminal.show();
        terminal.sendText(installCommand); // the user sees and runs the install; then Retry
      }
      else if (choice === 'Open Log') this.log.show();
      else if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'tandem.nodePath');
    });
  }

  private setState(state: ConnectionState, detail: string): void {
    this.stateValue = state;
    this.detailValue = detail;
    if (!this.disposed) this.stateEmitter.fire(state);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() { clearTimeout(timer); resolve(); }
      this.wake = done;
    });
  }
}

// The store's data for people and trainers: export, stats, and the merged/reverted signals scan,
// which also runs on an interval while the daemon is up.
import type { CancellationToken } from 'vscode-jsonrpc';
import { ResponseError } from 'vscode-jsonrpc';
import type { StatsReport } from '../protocol/messages.js';
import type { ExportManifest, ExportOptions, ProgressEvent } from '../protocol/types.js';
import { exportDataset } from '../store/export/export-dataset.js';
import { ExportInputError } from '../store/export/export-options.js';
import type { Store } from '../store/open-store.js';
import { scanSignals, type ScanResult } from '../store/signals-scan.js';
import { computeStats } from '../store/stats.js';

export const DEFAULT_SCAN_MINUTES = 10;
// The first scan waits for the start-up work to settle; a daemon that lives a short while still scans.
const FIRST_SCAN_MS = 60_000;

export class DataService {
  private readonly timers: NodeJS.Timeout[] = [];
  private scheduled: Promise<void> | null = null;

  /**
   * `store` is opened on first use: an export reads the database file itself and must not create one.
   * `scanMinutes` 0: the signals scan runs only on demand.
   */
  constructor(
    private readonly databasePath: string, private readonly store: () => Store, private readonly log: (line: string) => void,
    scanMinutes = DEFAULT_SCAN_MINUTES,
  ) {
    if (scanMinutes <= 0) return;
    const every = scanMinutes * 60_000;
    this.timers.push(setTimeout(() => this.scheduledScan(), Math.min(FIRST_SCAN_MS, every)), setInterval(() => this.scheduledScan(), every));
    for (const timer of this.timers) timer.unref();
  }

  async exportRun(options: ExportOptions, progress: (event: ProgressEvent) => void, token: CancellationToken): Promise<ExportManifest> {
    const controller = new AbortController();
    const listener = token.onCancellationRequested(() => controller.abort());
    try {
      return await exportDataset(this.databasePath, options, progress, controller.signal);
    } catch (error) {
      if (error instanceof ExportInputError) throw new ResponseError(-32602, error.message);
      throw error;
    } finally {
      listener.dispose();
    }
  }

  statsGet(): StatsReport {
    return computeStats(this.store());
  }

  /** The protocol promises { merged, reverted }; the skipped repos ride along so the CLI can say why. */
  async signalsScan(params: { repoPath?: string }, onProgress?: (event: ProgressEvent) => void): Promise<ScanResult> {
    const result = await scanSignals(this.store(), { repoPath: params.repoPath, onProgress });
    for (const skip of result.skipped) this.log(`signals scan skipped ${skip.repoPath}: ${skip.reason}`);
    return result;
  }

  /** Stops the timers and resolves once a scan under way has written what it found (before the store closes). */
  async dispose(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    await this.scheduled;
  }

  /** One scheduled scan at a time: a slow repo never piles scans up. */
  private scheduledScan(): void {
    this.scheduled ??= this.signalsScan({})
      .then(({ merged, reverted }) => { if (merged + reverted > 0) this.log(`signals scan: ${merged} merged, ${reverted} reverted`); })
      .catch((error: Error) => this.log(`signals scan failed: ${error.message}`))
      .finally(() => { this.scheduled = null; });
  }
}

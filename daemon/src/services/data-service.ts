// The store's data for people and trainers: export, stats, and the merged/reverted signals scan,
// which also runs on an interval while the daemon is up.
import type { CancellationToken } from 'vscode-jsonrpc';
import { ResponseError } from 'vscode-jsonrpc';
import type { StatsReport } from '../protocol/messages.js';
import type { ExportManifest, ExportOptions, ProgressEvent } from '../protocol/types.js';
import { exportDataset } from '../store/export/export-dataset.js';
import { ExportInputError } from '../store/export/export-options.js';
import type { Store } from '../store/open-store.js';
import { scanSignals } from '../store/signals-scan.js';
import { computeStats } from '../store/stats.js';

export const DEFAULT_SCAN_MINUTES = 10;
// The first scan waits for the start-up work to settle; a daemon that lives a short while still scans.
const FIRST_SCAN_MS = 60_000;

export class DataService {
  private readonly timers: NodeJS.Timeout[] = [];
  private scheduled: Promise<void> | null = null;

  /** `scanMinutes` 0: the signals scan runs only on demand. */
  constructor(private readonly store: Store, private readonly log: (line: string) => void, scanMinutes = DEFAULT_SCAN_MINUTES) {
    if (scanMinutes <= 0) return;
    const every = scanMinutes * 60_000;
    this.timers.push(setTimeout(() => this.scheduledScan(), Math.min(FIRST_SCAN_MS, every)), setInterval(() => this.scheduledScan(), every));
    for (const timer of this.timers) timer.unref();
  }

  async exportRun(options: ExportOptions, progress: (event: ProgressEvent) => void, token: CancellationToken): Promise<ExportManifest> {
    const controller = new AbortController();
    const listener = token.onCancellationRequested(() => controller.abort());
    try {
      return await exportDataset(this.store.path, options, progress, controller.signal);
    } catch (error) {
      if (error instanceof ExportInputError) throw new ResponseError(-32602, error.message);
      throw error;
    } finally {
      listener.dispose();
    }
  }

  statsGet(): StatsReport {
    return computeStats(this.store);
  }

  async signalsScan(params: { repoPath?: string }): Promise<{ merged: number; reverted: number }> {
    const { merged, reverted, skipped } = await scanSignals(this.store, { repoPath: params.repoPath });
    for (const skip of skipped) this.log(`signals scan skipped ${skip.repoPath}: ${skip.reason}`);
    return { merged, reverted };
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

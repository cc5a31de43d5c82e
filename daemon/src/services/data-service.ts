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

const SCAN_INTERVAL_MS = 10 * 60_000;

export class DataService {
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly store: Store, private readonly log: (line: string) => void) {
    this.timer = setInterval(() => void this.signalsScan({}).catch((error: Error) => log(`signals scan failed: ${error.message}`)), SCAN_INTERVAL_MS);
    this.timer.unref();
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

  dispose(): void {
    clearInterval(this.timer);
  }
}

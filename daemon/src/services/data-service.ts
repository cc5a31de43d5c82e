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

const SCAN_INTERVAL_MS = 10 * 60_000;

export class DataService {
  private readonly timer: NodeJS.Timeout;

  /** `store` is opened on first use: an export reads the database file itself and must not create one. */
  constructor(private readonly databasePath: string, private readonly store: () => Store, private readonly log: (line: string) => void) {
    this.timer = setInterval(() => void this.signalsScan({}).catch((error: Error) => log(`signals scan failed: ${error.message}`)), SCAN_INTERVAL_MS);
    this.timer.unref();
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

  dispose(): void {
    clearInterval(this.timer);
  }
}

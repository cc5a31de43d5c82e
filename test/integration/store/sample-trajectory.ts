// Builds small trajectories through the real recorder for the store's tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatTurn, StepInput } from '../../../daemon/src/agents/ports.js';
import { openStore, type Store } from '../../../daemon/src/store/open-store.js';
import type { TaskDiff } from '../../../daemon/src/protocol/types.js';

export interface TempStore {
  dir: string;
  dbPath: string;
  store: Store;
  dispose(): void;
}

export function tempStore(): TempStore {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-store-'));
  const dbPath = join(dir, 'tandem.db');
  const store = openStore(dbPath);
  return {
    dir, dbPath, store,
    dispose: () => {
      if (store.db.open) store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const SYSTEM_PROMPT = 'You are the worker. Use one tool per turn. Answer with a JSON action.\n'.repeat(20);

export function workerStep(taskId: string, subtaskId: string | null, messages: ChatTurn[], output: string, version: number | null = 1): StepInput {
  return {
    taskId, subtaskId, round: 0, role: 'worker', adapter: { role: 'worker', version, sha256: version === null ? null : `sha-w${version}` },
    promptVersion: 'p1', messages, output, action: JSON.parse(output) as StepInput['action'],
    tokensIn: 100 + messages.length, tokensOut: output.length, tokensReused: 50, latencyMs: 12.5, stopReason: 'stop', state: 'done',
  };
}

export function sampleDiff(taskId: string, round = 0): TaskDiff {
  return {
    taskId, round, baseCommit: 'a'.repeat(40), patchId: 'b'.repeat(40),
    unified: 'diff --git a/src/app.ts b/src/app.ts\n--- a/src/app.ts\n+++ b/src/app.ts\n@@ -1 +1 @@\n-old\n+new\n',
    files: [{ path: 'src/app.ts', status: 'modified', additions: 1, deletions: 1, binary: false,
      hunks: [{ index: 0, header: '@@ -1 +1 @@', oldStart: 1, oldLines: 1, newStart: 1, newLines: 1 }] }],
  };
}

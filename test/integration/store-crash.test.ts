// A writer killed with SIGKILL mid-loop leaves a database that opens with every acknowledged step.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { markInterruptedTasks } from '../../daemon/src/store/interrupted-tasks.js';
import { openStore } from '../../daemon/src/store/open-store.js';
import { getTask, stepMessages } from '../../daemon/src/store/task-queries.js';
import { tempStore, type TempStore } from './store/sample-trajectory.js';

const writer = fileURLToPath(new URL('./store/crash-writer.ts', import.meta.url));
const ACKS_BEFORE_KILL = 300;

describe('store: crash safety', () => {
  let t: TempStore;
  beforeEach(() => { t = tempStore(); t.store.close(); });
  afterEach(() => t.dispose());

  it('keeps every acknowledged step after kill -9 and marks the task interrupted on the next start', async () => {
    const acked = await runAndKill(t.dbPath);
    assert.ok(acked.length >= ACKS_BEFORE_KILL, `the writer acknowledged only ${acked.length} steps`);

    const store = openStore(t.dbPath);
    try {
      assert.equal(store.db.pragma('integrity_check', { simple: true }), 'ok');
      const stored = new Set(store.db.prepare("SELECT id FROM steps WHERE task_id = 'crash'").pluck().all() as number[]);
      const missing = acked.filter((a) => !stored.has(a.stepId));
      assert.deepEqual(missing, [], 'acknowledged steps lost');
      const calls = store.db.prepare('SELECT COUNT(*) FROM tool_calls WHERE step_id = ?').pluck();
      for (const a of acked) assert.equal(calls.get(a.stepId), 1, `tool call of step ${a.stepId}`);
      const last = acked[acked.length - 1]!;
      assert.equal(stepMessages(store, last.stepId)![0]!.role, 'system');

      assert.equal(getTask(store, 'crash')!.state, 'running');
      assert.deepEqual(markInterruptedTasks(store), ['crash']);
      const task = getTask(store, 'crash')!;
      assert.equal(task.state, 'interrupted');
      assert.equal(task.stopReason, 'interrupted');
      assert.deepEqual(markInterruptedTasks(store), [], 'a second start finds nothing left running');
    } finally {
      store.close();
    }
  });
});

function runAndKill(dbPath: string): Promise<{ stepId: number; i: number }[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, dbPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: { stepId: number; i: number }[] = [];
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!; // a torn last line is not an acknowledgement
      for (const line of lines) {
        const [, stepId, i] = line.split(' ');
        acked.push({ stepId: Number(stepId), i: Number(i) });
      }
      if (acked.length >= ACKS_BEFORE_KILL && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`the writer exited by itself (code ${code}): ${stderr}`));
    });
  });
}

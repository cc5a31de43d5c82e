// The floor under the store's insert rate, measured in the same run on the same filesystem with the
// store's own pragmas: bare SQLite inserts of one row of `bytes` random text (the bytes a recorded
// step adds to the database). `perStep` commits every row on its own, the most a store that commits
// each step can reach; `batched` commits 1,000 rows at a time, the most SQLite itself can take here.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../daemon/src/store/open-store.js';

const ROWS = 10_000;

export interface RawInsertRate {
  rowsPerSecond: number;
  rowsPerCpuSecond: number;
}

export function measureRawInserts(dir: string, bytes: number): { perStep: RawInsertRate; batched: RawInsertRate } {
  return { perStep: measure(dir, bytes, 1), batched: measure(dir, bytes, 1_000) };
}

function measure(dir: string, bytes: number, rowsPerCommit: number): RawInsertRate {
  const path = join(dir, `raw-insert-${rowsPerCommit}.db`);
  const store = openStore(path); // the daemon's pragmas: WAL, synchronous=NORMAL, cache, checkpoints
  try {
    store.db.exec('CREATE TABLE raw (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const insert = store.db.prepare('INSERT INTO raw (body) VALUES (?)');
    // Random base64 so nothing repeats; each row also differs in its prefix.
    const bodies = Array.from({ length: 64 }, () => randomBytes(Math.ceil(bytes * 0.75)).toString('base64').slice(0, bytes));
    const started = performance.now();
    const cpu = process.cpuUsage();
    for (let i = 0; i < ROWS; i += rowsPerCommit) {
      store.write(() => {
        for (let row = i; row < i + rowsPerCommit; row++) insert.run(`${row}:${bodies[row % bodies.length]}`);
      });
    }
    const used = process.cpuUsage(cpu);
    return {
      rowsPerSecond: Math.round(ROWS / ((performance.now() - started) / 1000)),
      rowsPerCpuSecond: Math.round(ROWS / ((used.user + used.system) / 1e6)),
    };
  } finally {
    store.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  }
}

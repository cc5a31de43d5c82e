// Opens (or creates) the trajectory database: WAL, durable-enough pragmas, migrations.
import Database from 'better-sqlite3';
import { accessSync, chmodSync, closeSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { BlobStore } from './blob-store.js';
import { LATEST_SCHEMA_VERSION, migrations } from './migrations/schema-versions.js';

export interface Store {
  readonly db: Database.Database;
  readonly path: string;
  readonly blobs: BlobStore;
  /** Runs fn in one transaction, committed before it returns; blobs it stored become cacheable only then. */
  write<T>(fn: () => T): T;
  close(): void;
}

export type StoreOpenFailure = 'newer_schema' | 'not_a_database' | 'cannot_open';

/** Why the store cannot be opened, with a message a user can act on. The file is left as it was. */
export class StoreOpenError extends Error {
  constructor(message: string, readonly reason: StoreOpenFailure) {
    super(message);
    this.name = 'StoreOpenError';
  }
}

export function openStore(path: string): Store {
  const file = resolve(path);
  if (existsSync(file)) refuseUnlessReadable(file);
  else mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const created = !existsSync(file);
  if (!created && !writable(file)) return openSnapshot(file);

  const db = new Database(file);
  try {
    applyPragmas(db);
    if (created) chmodSync(file, 0o600); // prompts and code are private; owner-only
    migrate(db, file);
  } catch (error) {
    db.close();
    throw error;
  }
  const blobs = new BlobStore(db);
  const transaction = db.transaction((fn: () => unknown) => fn());
  return {
    db, path: file, blobs,
    write<T>(fn: () => T): T {
      try {
        const result = transaction.immediate(fn) as T;
        blobs.commitPending();
        return result;
      } catch (error) {
        blobs.dropPending();
        throw error;
      }
    },
    close: () => db.close(),
  };
}

/** Whether SQLite can write the store: the file, and its folder for the WAL and shared-memory files. */
function writable(file: string): boolean {
  try {
    accessSync(file, constants.W_OK);
    accessSync(dirname(file), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * A store on a read-only TANDEM_HOME (a read-only mount, another user's folder): SQLite cannot open a
 * WAL database where it cannot make its shared-memory file, so read-only commands read a private
 * copy instead. Writing to it fails with SQLite's "readonly database" error; the copy goes on close.
 */
function openSnapshot(file: string): Store {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-readonly-store-'));
  const copy = join(dir, 'tandem.db');
  try {
    copyFileSync(file, copy);
    if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`);
    const db = new Database(copy, { readonly: true, fileMustExist: true });
    const blobs = new BlobStore(db);
    return {
      db, path: file, blobs,
      write: () => { throw new StoreOpenError(`${file} is read-only here (its folder cannot be written): this command can only read it.`, 'cannot_open'); },
      close: () => { db.close(); rmSync(dir, { recursive: true, force: true }); },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new StoreOpenError(`Cannot read the Tandem database ${file}: ${(error as Error).message}`, 'cannot_open');
  }
}

// WAL lets the CLI and the exporter read while the daemon writes. With WAL, synchronous=NORMAL
// syncs only at checkpoints: a commit is in the WAL (written, not fsynced) before it returns, so
// it survives the process being killed at any moment; only an OS crash or power cut may lose
// the last few commits, never corrupt the file.
function applyPragmas(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // A small page cache on purpose. When an insert splits a b-tree page, SQLite parks a page under
  // a far page number, and the commit then scans the whole cache to drop it: with 64 MiB that
  // scan cost more than the step's writes. Pages that fall out are re-read from the OS cache.
  db.pragma('cache_size = -2048');
  db.pragma('wal_autocheckpoint = 8192'); // ~32 MiB between checkpoints: fewer fsyncs and page copies
  db.pragma('journal_size_limit = 67108864');
}

// Looks before touching. Without a WAL file the header holds the schema version (offset 60), read
// straight from the file so nothing is created beside it. With one (a crash left it), a read-only
// connection reads through it; it cannot write, checkpoint or change the journal mode.
function refuseUnlessReadable(file: string): void {
  const header = readHeader(file);
  if (header.length > 0 && (header.length < 100 || header.toString('latin1', 0, 16) !== 'SQLite format 3\0')) {
    throw new StoreOpenError(`${file} is not a SQLite database. Move it aside or set TANDEM_HOME to another folder.`, 'not_a_database');
  }
  const walFile = `${file}-wal`;
  const hasWal = existsSync(walFile) && statSync(walFile).size > 0;
  const version = hasWal ? probeVersion(file) : header.length === 0 ? 0 : header.readUInt32BE(60);
  if (version > LATEST_SCHEMA_VERSION) throw newerSchema(file, version);
}

function readHeader(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const header = Buffer.alloc(100);
    return header.subarray(0, readSync(fd, header, 0, 100, 0));
  } finally {
    closeSync(fd);
  }
}

function probeVersion(file: string): number {
  let probe: Database.Database | undefined;
  try {
    probe = new Database(file, { readonly: true, fileMustExist: true });
    return probe.pragma('user_version', { simple: true }) as number;
  } catch (error) {
    throw new StoreOpenError(`Cannot open the Tandem database ${file}: ${(error as Error).message}`, 'cannot_open');
  } finally {
    probe?.close();
  }
}

function migrate(db: Database.Database, file: string): void {
  db.transaction(() => {
    // Read again inside the write lock: another process may have upgraded it meanwhile.
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > LATEST_SCHEMA_VERSION) throw newerSchema(file, current);
    for (const migration of migrations) {
      if (migration.version > current) db.exec(migration.sql);
    }
    if (current !== LATEST_SCHEMA_VERSION) db.pragma(`user_version = ${LATEST_SCHEMA_VERSION}`);
  }).immediate();
}

/** The error for a store whose schema is newer than this Tandem knows (the export's reader refuses it too). */
export function newerSchema(file: string, version: number): StoreOpenError {
  return new StoreOpenError(
    `${file} was written by a newer Tandem (schema version ${version}; this one knows up to ${LATEST_SCHEMA_VERSION}). ` +
      'Upgrade Tandem to use it; the file was not changed.',
    'newer_schema',
  );
}

// Every file under a folder with a hash of its content, to prove afterwards what changed on disk and
// where, whatever the code under test believes it did.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Relative path (with '/') -> content hash, 'link:<target>' for a symlink, or '*' where content is not compared. */
export type TreeSnapshot = Map<string, string>;

export interface SnapshotOptions {
  /** Paths whose content may change (a database, git's object store): only their presence is recorded. */
  presenceOnly?: (path: string) => boolean;
}

export function snapshotTree(root: string, options: SnapshotOptions = {}): TreeSnapshot {
  const snapshot: TreeSnapshot = new Map();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      const path = relative(root, full).split('\\').join('/');
      if (entry.isDirectory()) walk(full);
      else if (entry.isSymbolicLink()) snapshot.set(path, `link:${readlinkSync(full)}`);
      else if (options.presenceOnly?.(path)) snapshot.set(path, '*');
      else snapshot.set(path, createHash('sha1').update(readFileSync(full)).digest('hex'));
    }
  };
  walk(root);
  return snapshot;
}

export interface TreeChanges {
  added: string[];
  removed: string[];
  changed: string[];
}

export function treeChanges(before: TreeSnapshot, after: TreeSnapshot): TreeChanges {
  const changes: TreeChanges = { added: [], removed: [], changed: [] };
  for (const [path, hash] of after) {
    const old = before.get(path);
    if (old === undefined) changes.added.push(path);
    else if (old !== hash) changes.changed.push(path);
  }
  for (const path of before.keys()) if (!after.has(path)) changes.removed.push(path);
  return changes;
}

/** The changes, less those `allowed` says are expected; empty when nothing else happened. */
export function unexpectedChanges(changes: TreeChanges, allowed: (path: string) => boolean): string[] {
  return [
    ...changes.added.filter((p) => !allowed(p)).map((p) => `added ${p}`),
    ...changes.removed.filter((p) => !allowed(p)).map((p) => `removed ${p}`),
    ...changes.changed.filter((p) => !allowed(p)).map((p) => `changed ${p}`),
  ];
}

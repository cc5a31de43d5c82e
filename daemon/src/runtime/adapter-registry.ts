// The adapters registry: every LoRA version registered per role, which one is active, and what each was
// checked against. Files live in adapters/<role>/v<N>.gguf; the index is one JSON file written atomically.
// Versions only ever grow, so "worker v3" in a recorded trajectory always means the same weights.
import { randomBytes } from 'node:crypto';
import { copyFile } from 'node:fs/promises';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ErrorCodes, type ErrorCode } from '../protocol/errors.js';
import { ROLES, type AdapterInfo, type AdapterRef, type Role } from '../protocol/types.js';
import { readJsonFile, writeJsonFileAtomic } from '../json-file.js';
import { sha256File } from './sha256-file.js';

/** Throws, with a message naming the problem, when the file is not an adapter for the base model in use. */
export type AdapterValidator = (adapterPath: string) => Promise<void>;

export interface AdapterRegistryOptions {
  /** paths.adapterRegistry */
  registryFile: string;
  /** paths.adapters */
  adaptersDir: string;
  validate: AdapterValidator;
  /** The sha256 of the base model `validate` checks against; asked for only when adding. */
  baseModelSha: () => Promise<string>;
  now?: () => Date;
}

/** Expected failures come back as values; the daemon turns them into JSON-RPC errors with this code. */
export type RegistryOutcome<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };

interface StoredAdapter {
  version: number;
  sha256: string;
  baseModelSha: string;
  /** Relative to the adapters dir. */
  file: string;
  addedAt: string;
}

interface StoredRole {
  active: number | null;
  nextVersion: number;
  adapters: StoredAdapter[];
  /** Versions serving one kind of work (a cluster of a clustering, `tandem clusters`); absent in older files. */
  experts?: ClusterBinding[];
}

/** A cluster of a clustering version (see store/work-clusters.ts). */
export interface ClusterKey {
  clustering: number;
  cluster: number;
}

interface ClusterBinding extends ClusterKey {
  version: number;
}

type StoredRegistry = { version: 1; roles: Record<Role, StoredRole> };

export class AdapterRegistry {
  constructor(private readonly options: AdapterRegistryOptions) {}

  /**
   * Copies the file in as the role's next version, after validating the copy (so what is kept is what was
   * checked), and makes it active unless `activate` is false (an import waits for its evaluation).
   */
  async add(role: Role, file: string, options: { activate?: boolean; cluster?: ClusterKey } = {}): Promise<RegistryOutcome<AdapterInfo>> {
    if (!ROLES.includes(role)) return fail(ErrorCodes.NotFound, `unknown role "${role}"; use ${ROLES.join(' or ')}`);
    if (!existsSync(file) || !statSync(file).isFile()) return fail(ErrorCodes.BadAdapterFile, `${file}: no such file`);
    const roleDir = join(this.options.adaptersDir, role);
    mkdirSync(roleDir, { recursive: true });
    const incoming = join(roleDir, `.incoming-${randomBytes(6).toString('hex')}.gguf`);
    try {
      const baseModelSha = await this.options.baseModelSha();
      await copyFile(file, incoming);
      try {
        await this.options.validate(incoming);
      } catch (error) {
        // The check ran on our copy; the user knows the file by their own name.
        const problem = (error instanceof Error ? error.message : String(error)).split(incoming).join(file).split(basename(incoming)).join(file);
        return fail(ErrorCodes.BadAdapterFile, `${file} was not added: ${problem}`);
      }
      const sha256 = await sha256File(incoming);
      // An expert serves its cluster only: the role's general adapter stays as it was.
      return this.commit(role, incoming, { sha256, baseModelSha }, options.cluster ? false : options.activate ?? true, options.cluster);
    } finally {
      rmSync(incoming, { force: true }); // gone already when committed
    }
  }

  list(role?: Role): AdapterInfo[] {
    const registry = this.read();
    return (role ? [role] : ROLES).flatMap((r) => registry.roles[r].adapters.map((a) => this.info(r, a, registry.roles[r].active)));
  }

  active(role: Role): AdapterInfo | null {
    return this.list(role).find((a) => a.active) ?? null;
  }

  /** Makes a version the role's adapter; null means the base model alone. */
  use(role: Role, version: number | null): RegistryOutcome<AdapterRef> {
    const registry = this.read();
    const stored = registry.roles[role];
    if (!stored) return fail(ErrorCodes.NotFound, `unknown role "${role}"; use ${ROLES.join(' or ')}`);
    const adapter = version === null ? null : stored.adapters.find((a) => a.version === version);
    if (version !== null && !adapter) return fail(ErrorCodes.NotFound, `${role} has no adapter v${version}; see \`tandem adapters list\``);
    stored.active = version;
    this.write(registry);
    return { ok: true, value: { role, version, sha256: adapter?.sha256 ?? null } };
  }

  /** Forgets a version and deletes its file; the active one is refused, so a running role never loses its adapter. */
  remove(role: Role, version: number): RegistryOutcome<AdapterInfo> {
    const registry = this.read();
    const stored = registry.roles[role];
    if (!stored) return fail(ErrorCodes.NotFound, `unknown role "${role}"; use ${ROLES.join(' or ')}`);
    const adapter = stored.adapters.find((a) => a.version === version);
    if (!adapter) return fail(ErrorCodes.NotFound, `${role} has no adapter v${version}`);
    if (stored.active === version) {
      return fail(ErrorCodes.InvalidState, `${role} v${version} is active; switch first (\`tandem adapters use --role ${role} base\` or another version)`);
    }
    const serving = stored.experts?.find((b) => b.version === version);
    if (serving) {
      return fail(ErrorCodes.InvalidState, `${role} v${version} serves cluster ${serving.cluster}; switch that first (\`tandem adapters use --role ${role} --cluster ${serving.cluster} base\`)`);
    }
    const info = this.info(role, adapter, stored.active);
    stored.adapters = stored.adapters.filter((a) => a !== adapter);
    this.write(registry); // the index first: it must never name a missing file
    rmSync(info.path, { force: true });
    return { ok: true, value: { ...info, active: false } };
  }

  /** The versions registered for a cluster, per role (of every clustering: the router keeps the current one's). */
  experts(role?: Role): (AdapterInfo & ClusterKey)[] {
    const registry = this.read();
    return (role ? [role] : ROLES).flatMap((r) => (registry.roles[r].experts ?? []).flatMap((binding) => {
      const adapter = registry.roles[r].adapters.find((a) => a.version === binding.version);
      return adapter ? [{ ...this.info(r, adapter, registry.roles[r].active), clustering: binding.clustering, cluster: binding.cluster }] : [];
    }));
  }

  /** Makes a registered version the role's adapter for one cluster; null goes back to the general adapter there. */
  useForCluster(role: Role, key: ClusterKey, version: number | null): RegistryOutcome<AdapterRef> {
    const registry = this.read();
    const stored = registry.roles[role];
    if (!stored) return fail(ErrorCodes.NotFound, `unknown role "${role}"; use ${ROLES.join(' or ')}`);
    const adapter = version === null ? null : stored.adapters.find((a) => a.version === version);
    if (version !== null && !adapter) return fail(ErrorCodes.NotFound, `${role} has no adapter v${version}; see \`tandem adapters list\``);
    bindCluster(stored, key, version);
    this.write(registry);
    return { ok: true, value: { role, version, sha256: adapter?.sha256 ?? null } };
  }

  private commit(role: Role, incoming: string, checked: { sha256: string; baseModelSha: string }, activate: boolean, cluster?: ClusterKey): RegistryOutcome<AdapterInfo> {
    // Re-read now: another process may have registered a version while this one was validating.
    const registry = this.read();
    const stored = registry.roles[role];
    const duplicate = stored.adapters.find((a) => a.sha256 === checked.sha256);
    if (duplicate) return fail(ErrorCodes.Conflict, `this file is already registered as ${role} v${duplicate.version}`);
    const version = Math.max(stored.nextVersion, ...stored.adapters.map((a) => a.version + 1));
    const adapter: StoredAdapter = {
      version,
      ...checked,
      file: join(role, `v${version}.gguf`),
      addedAt: (this.options.now?.() ?? new Date()).toISOString(),
    };
    const target = join(this.options.adaptersDir, adapter.file);
    renameSync(incoming, target);
    stored.adapters.push(adapter);
    stored.nextVersion = version + 1;
    if (activate) stored.active = version;
    if (cluster) bindCluster(stored, cluster, version);
    try {
      this.write(registry);
    } catch (error) {
      rmSync(target, { force: true });
      throw error;
    }
    return { ok: true, value: this.info(role, adapter, stored.active) };
  }

  private info(role: Role, adapter: StoredAdapter, active: number | null): AdapterInfo {
    const { version, sha256, baseModelSha, addedAt } = adapter;
    return { role, version, sha256, baseModelSha, path: join(this.options.adaptersDir, adapter.file), addedAt, active: active === version };
  }

  private read(): StoredRegistry {
    const raw = readJsonFile(this.options.registryFile) as Partial<StoredRegistry> | undefined;
    const roles = {} as Record<Role, StoredRole>;
    for (const role of ROLES) {
      const stored = raw?.roles?.[role];
      if (stored !== undefined && !(Array.isArray(stored.adapters) && Number.isInteger(stored.nextVersion))) {
        throw new Error(`${this.options.registryFile}: the entry for ${role} is malformed; fix or delete the file`);
      }
      roles[role] = stored ?? { active: null, nextVersion: 1, adapters: [] };
    }
    return { version: 1, roles };
  }

  private write(registry: StoredRegistry): void {
    writeJsonFileAtomic(this.options.registryFile, registry);
  }
}

/** One version per role and cluster: binding another replaces it; null removes it. */
function bindCluster(stored: StoredRole, key: ClusterKey, version: number | null): void {
  const others = (stored.experts ?? []).filter((b) => !(b.clustering === key.clustering && b.cluster === key.cluster));
  stored.experts = version === null ? others : [...others, { ...key, version }];
}

function fail<T>(code: ErrorCode, message: string): RegistryOutcome<T> {
  return { ok: false, code, message };
}


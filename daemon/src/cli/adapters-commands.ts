// `tandem adapters add|list|use|remove`: the LoRA versions each role can run. Through the running daemon
// when there is one, so it hot-swaps the adapter instead of finding its registry changed behind its back.
import { resolve } from 'node:path';
import { AdaptersAdd, AdaptersList, AdaptersRemove, AdaptersUse, Status } from '../protocol/messages.js';
import { AdaptersEvaluations, AdaptersImport, type AdapterEvaluation } from '../protocol/adapter-evaluation.js';
import { ROLES, type AdapterInfo, type Role } from '../protocol/types.js';
import { ClustersUseAdapter } from '../protocol/work-clusters.js';
import { tandemPaths } from '../paths.js';
import { findLocalModel } from '../runtime/local-models.js';
import { builtinCatalog } from '../runtime/model-catalog.js';
import type { CliCommand } from './command.js';
import { printFailure, printRefusal, printResult, progressBars } from './command-output.js';
import { withTandemClient, type TandemClient } from './tandem-client.js';

const roleOption = { role: { type: 'string' } } as const;

function parseRole(value: unknown): Role | string {
  if (typeof value !== 'string') return `--role is required: ${ROLES.join(' or ')}`;
  return ROLES.includes(value as Role) ? (value as Role) : `unknown role "${value}"; use ${ROLES.join(' or ')}`;
}
const isRole = (value: string): value is Role => ROLES.includes(value as Role);

const clusterOption = { cluster: { type: 'string' } } as const;

/** --cluster C: a cluster of the current clustering (`tandem clusters`); undefined when not given, a message when wrong. */
function parseCluster(value: unknown): number | undefined | string {
  if (value === undefined) return undefined;
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : `--cluster takes a cluster number from \`tandem clusters\` (got "${String(value)}")`;
}

function parseVersion(text: string | undefined): number | undefined {
  const match = text ? /^v?(\d+)$/.exec(text) : null;
  return match ? Number(match[1]) : undefined;
}

function describe(a: AdapterInfo): string {
  return `${a.active ? '*' : ' '} ${a.role.padEnd(12)} v${String(a.version).padEnd(4)} ${a.sha256.slice(0, 12)}  base ${a.baseModelSha.slice(0, 12)}  ${a.addedAt}  ${a.path}`;
}

function evaluationNote(e: AdapterEvaluation | undefined): string {
  if (!e) return '';
  const pref = e.preferenceAccuracy === null ? '' : `, preferences ${(e.preferenceAccuracy * 100).toFixed(0)}% of ${e.preferencePairs}`;
  return `\n    eval: NLL/token ${e.nllPerToken?.toFixed(4) ?? '-'} on ${e.nllExamples} held-out action(s)${pref} (${e.evaluatedAt})`;
}

/** Runs one request; a refusal (bad file, active version, unknown version) is printed and exits 1. */
async function answer(json: boolean, work: (client: TandemClient) => Promise<number>, env?: NodeJS.ProcessEnv): Promise<number> {
  return withTandemClient(async (client) => {
    try {
      return await work(client);
    } catch (error) {
      return printRefusal(json, error);
    }
  }, env ? { env } : {});
}

const add: CliCommand = {
  name: 'adapters add',
  usage: 'adapters add --role <orchestrator|worker|critic> FILE.gguf [--cluster C] [--base MODEL] [--json]',
  summary: "Register a LoRA adapter as the role's next version and make it active (with --cluster: the role's adapter for that kind of work only)",
  options: { ...roleOption, ...clusterOption, base: { type: 'string' } },
  async run({ values, positionals }) {
    const json = values.json === true;
    const role = parseRole(values.role);
    if (!isRole(role)) return printFailure(json, role, 2);
    const cluster = parseCluster(values.cluster);
    if (typeof cluster === 'string') return printFailure(json, cluster, 2);
    if (positionals.length !== 1) return printFailure(json, 'give one adapter file', 2);
    let base: string | null = null;
    if (typeof values.base === 'string') {
      base = findLocalModel(tandemPaths().models, values.base, builtinCatalog);
      if (!base) return printFailure(json, `no base model "${values.base}"`);
    }
    // In-process, --base is the model the services check against; a daemon checks against the one it runs.
    return answer(json, async (client) => {
      if (base && client.mode === 'daemon') {
        const loaded = (await client.request(Status)).model?.path;
        if (loaded !== base) return printFailure(json, `the running daemon checks adapters against its model (${loaded ?? 'none'}), not ${base}; stop it (tandem daemon --stop) or drop --base`);
      }
      client.onProgress(progressBars());
      const added = await client.request(AdaptersAdd, { role, path: resolve(positionals[0]!), ...(cluster !== undefined && { cluster }) });
      const now = cluster === undefined ? 'now active' : `${role}'s adapter for cluster ${cluster}; other tasks keep the general one`;
      printResult(json, added, () => `Added ${role} v${added.version} (${now})\n${describe(added)}`);
      return 0;
    }, base ? { ...process.env, TANDEM_MODEL: base } : undefined);
  },
};

const importPeft: CliCommand = {
  name: 'adapters import',
  usage: 'adapters import DIR --role <orchestrator|worker|critic> [--activate] [--cluster C] [--json]',
  summary: "Convert a PEFT LoRA folder (TRL, Unsloth, Axolotl) to GGUF and register it as the role's next version, inactive unless --activate",
  options: { ...roleOption, ...clusterOption, activate: { type: 'boolean' } },
  async run({ values, positionals }) {
    const json = values.json === true;
    const role = parseRole(values.role);
    if (!isRole(role)) return printFailure(json, role, 2);
    if (positionals.length !== 1) return printFailure(json, 'give one PEFT adapter folder (with adapter_config.json and adapter_model.safetensors)', 2);
    const activate = values.activate === true;
    const cluster = parseCluster(values.cluster);
    if (typeof cluster === 'string') return printFailure(json, cluster, 2);
    const forCluster = cluster === undefined ? '' : ` --cluster ${cluster}`;
    return answer(json, async (client) => {
      client.onProgress(progressBars());
      const added = await client.request(AdaptersImport, { role, dir: resolve(positionals[0]!), activate, ...(cluster !== undefined && { cluster }) });
      const next = activate ? `now active${forCluster ? ` for cluster ${cluster}` : ''}`
        : `not active: \`tandem eval --role ${role}${forCluster}\`, then \`tandem adapters promote --role ${role} ${added.version}${forCluster}\``;
      printResult(json, added, () => `Imported ${role} v${added.version} (${next})\n${describe(added)}`);
      return 0;
    });
  },
};

const list: CliCommand = {
  name: 'adapters list',
  usage: 'adapters list [--role R] [--json]',
  summary: 'Registered adapters of every role and version; * marks the active one',
  options: roleOption,
  async run({ values }) {
    const json = values.json === true;
    const role = values.role === undefined ? undefined : parseRole(values.role);
    if (role !== undefined && !isRole(role)) return printFailure(json, role, 2);
    return answer(json, async (client) => {
      const adapters = await client.request(AdaptersList, role ? { role } : {});
      const evaluations = await client.request(AdaptersEvaluations, role ? { role } : {});
      // Each version with its latest evaluation, when it has one.
      const latest = (a: AdapterInfo) => evaluations.find((e) => e.role === a.role && e.version === a.version && e.sha256 === a.sha256);
      const shown = adapters.map((a) => { const evaluation = latest(a); return evaluation ? { ...a, evaluation } : a; });
      printResult(json, shown, () => (adapters.length
        ? adapters.map((a) => describe(a) + evaluationNote(latest(a))).join('\n')
        : 'No adapters registered; roles use the base model.'));
      return 0;
    });
  },
};

const use: CliCommand = {
  name: 'adapters use',
  usage: 'adapters use --role R <version|base> [--cluster C] [--json]',
  summary: "Choose a role's adapter version, or `base` for the base model alone (with --cluster: for that kind of work; `base` there means the role's general adapter)",
  options: { ...roleOption, ...clusterOption },
  async run({ values, positionals }) {
    const json = values.json === true;
    const role = parseRole(values.role);
    if (!isRole(role)) return printFailure(json, role, 2);
    const version = positionals[0] === 'base' ? null : parseVersion(positionals[0]);
    if (version === undefined || positionals.length !== 1) return printFailure(json, 'give a version number (e.g. 3) or `base`', 2);
    const cluster = parseCluster(values.cluster);
    if (typeof cluster === 'string') return printFailure(json, cluster, 2);
    if (cluster !== undefined) {
      return answer(json, async (client) => {
        const ref = await client.request(ClustersUseAdapter, { role, cluster, version });
        printResult(json, ref, () => `${role} now uses ${version === null ? 'its general adapter' : `v${version}`} for cluster ${cluster}`);
        return 0;
      });
    }
    return answer(json, async (client) => {
      const ref = await client.request(AdaptersUse, { role, version });
      printResult(json, ref, () => `${role} now uses ${version === null ? 'the base model' : `v${version}`}`);
      return 0;
    });
  },
};

const remove: CliCommand = {
  name: 'adapters remove',
  usage: 'adapters remove --role R <version> [--json]',
  summary: 'Delete a registered adapter version (not the active one)',
  options: roleOption,
  async run({ values, positionals }) {
    const json = values.json === true;
    const role = parseRole(values.role);
    if (!isRole(role)) return printFailure(json, role, 2);
    const version = parseVersion(positionals[0]);
    if (version === undefined || positionals.length !== 1) return printFailure(json, 'give the version number to remove', 2);
    return answer(json, async (client) => {
      await client.request(AdaptersRemove, { role, version });
      printResult(json, { role, version, removed: true }, () => `Removed ${role} v${version}`);
      return 0;
    });
  },
};

export const adaptersCommands: CliCommand[] = [add, importPeft, list, use, remove];

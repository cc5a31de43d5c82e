// `tandem adapters add|list|use|remove`: the LoRA versions each role can run, kept in the user's data dir.
import { readConfig } from '../config.js';
import { tandemPaths } from '../paths.js';
import { ROLES, type AdapterInfo, type Role } from '../protocol/types.js';
import { AdapterRegistry } from '../runtime/adapter-registry.js';
import { activeModelPath, findLocalModel, modelSha256 } from '../runtime/local-models.js';
import { builtinCatalog } from '../runtime/model-catalog.js';
import { printFailure, printResult } from './cli-output.js';
import type { CliCommand } from './command.js';
import { ProgressBar } from './progress-bar.js';

export interface AdapterCommandDeps {
  /** Throws, naming the problem, when the file is not a LoRA adapter that fits the base model at baseModelPath. */
  validateAdapter(adapterPath: string, baseModelPath: string): Promise<void>;
}

const roleOption = { role: { type: 'string' } } as const;

function registryFor(deps: AdapterCommandDeps, baseModelPath: string | null): AdapterRegistry {
  const paths = tandemPaths();
  const base = () => {
    if (!baseModelPath) throw new Error('no base model to check adapters against');
    return baseModelPath;
  };
  const bar = new ProgressBar();
  return new AdapterRegistry({
    registryFile: paths.adapterRegistry,
    adaptersDir: paths.adapters,
    validate: (adapterPath) => deps.validateAdapter(adapterPath, base()),
    baseModelSha: () => modelSha256(paths.models, base(), (done, total) =>
      bar.update({ id: 'base-sha', title: 'Checksumming the base model', done, total, unit: 'bytes', finished: done === total })),
  });
}

function parseRole(value: unknown): Role | string {
  if (typeof value !== 'string') return `--role is required: ${ROLES.join(' or ')}`;
  return ROLES.includes(value as Role) ? (value as Role) : `unknown role "${value}"; use ${ROLES.join(' or ')}`;
}
const isRole = (value: string): value is Role => ROLES.includes(value as Role);

function describe(a: AdapterInfo): string {
  return `${a.active ? '*' : ' '} ${a.role.padEnd(12)} v${String(a.version).padEnd(4)} ${a.sha256.slice(0, 12)}  base ${a.baseModelSha.slice(0, 12)}  ${a.addedAt}  ${a.path}`;
}

export function adaptersCommands(deps: AdapterCommandDeps): CliCommand[] {
  const add: CliCommand = {
    name: 'adapters add',
    usage: 'adapters add --role <orchestrator|worker> FILE.gguf [--base MODEL] [--json]',
    summary: "Register a LoRA adapter as the role's next version and make it active",
    options: { ...roleOption, base: { type: 'string' } },
    async run({ values, positionals }) {
      const json = values.json === true;
      const role = parseRole(values.role);
      if (!isRole(role)) return printFailure(json, role, 2);
      if (positionals.length !== 1) return printFailure(json, 'give one adapter file', 2);
      const paths = tandemPaths();
      const base = typeof values.base === 'string'
        ? findLocalModel(paths.models, values.base, builtinCatalog)
        : activeModelPath(paths.models, readConfig(paths.config).model, builtinCatalog);
      if (!base) {
        return printFailure(json, typeof values.base === 'string'
          ? `no base model "${values.base}"`
          : 'no base model to check the adapter against: pass --base MODEL.gguf or choose one with `tandem models use`');
      }
      const outcome = await registryFor(deps, base).add(role, positionals[0]!);
      if (!outcome.ok) return printFailure(json, outcome.message);
      printResult(json, outcome.value, () => `Added ${role} v${outcome.value.version} (now active)\n${describe(outcome.value)}`);
      return 0;
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
      const adapters = registryFor(deps, null).list(role);
      printResult(json, adapters, () => (adapters.length ? adapters.map(describe).join('\n') : 'No adapters registered; roles use the base model.'));
      return 0;
    },
  };

  const use: CliCommand = {
    name: 'adapters use',
    usage: 'adapters use --role R <version|base> [--json]',
    summary: "Choose a role's adapter version, or `base` for the base model alone",
    options: roleOption,
    async run({ values, positionals }) {
      const json = values.json === true;
      const role = parseRole(values.role);
      if (!isRole(role)) return printFailure(json, role, 2);
      const version = positionals[0] === 'base' ? null : parseVersion(positionals[0]);
      if (version === undefined || positionals.length !== 1) return printFailure(json, 'give a version number (e.g. 3) or `base`', 2);
      const outcome = registryFor(deps, null).use(role, version);
      if (!outcome.ok) return printFailure(json, outcome.message);
      printResult(json, outcome.value, () => `${role} now uses ${version === null ? 'the base model' : `v${version}`}`);
      return 0;
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
      const outcome = registryFor(deps, null).remove(role, version);
      if (!outcome.ok) return printFailure(json, outcome.message);
      printResult(json, outcome.value, () => `Removed ${role} v${version}`);
      return 0;
    },
  };

  return [add, list, use, remove];
}

function parseVersion(text: string | undefined): number | undefined {
  const match = text ? /^v?(\d+)$/.exec(text) : null;
  return match ? Number(match[1]) : undefined;
}

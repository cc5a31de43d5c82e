// The user's settings file (paths.config): which base model, how many threads, which commands a repo may run.
import { readJsonFile, writeJsonFileAtomic } from './json-file.js';
import { parseContextSize, parseGpuLayers, type ContextSizeSetting, type GpuLayersSetting } from './runtime/gpu-settings.js';

export interface TandemConfig {
  /** Absolute path of the base model GGUF in use; unset means the catalog default, when downloaded. */
  model?: string;
  /** Generation threads; unset means chosen from the machine's real cores. */
  threads?: number;
  /** Per repository path: the commands the worker may run there. */
  allowedCommands?: Record<string, string[]>;
  /** Repository paths whose allowed commands may use the network (none by default). */
  commandNetwork?: string[];
  /** Model layers on the GPU; unset means as many as fit beside both role contexts. */
  gpuLayers?: GpuLayersSetting;
  /** Tokens per role context; unset means 4096, lowered on a GPU until both contexts fit. */
  contextSize?: ContextSizeSetting;
}

/** Reads the config; a missing file is an empty config, a malformed one is an error naming the bad field. */
export function readConfig(path: string): TandemConfig {
  const raw = readJsonFile(path);
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${path}: expected a JSON object`);
  const { model, threads, allowedCommands, commandNetwork, gpuLayers, contextSize } = (raw ?? {}) as Record<string, unknown>;
  const config: TandemConfig = {};
  if (model !== undefined) {
    if (typeof model !== 'string' || model === '') throw new Error(`${path}: "model" must be a file path`);
    config.model = model;
  }
  if (threads !== undefined) {
    if (!Number.isInteger(threads) || (threads as number) < 1) throw new Error(`${path}: "threads" must be a whole number of at least 1`);
    config.threads = threads as number;
  }
  if (allowedCommands !== undefined) {
    if (!isAllowlistMap(allowedCommands)) throw new Error(`${path}: "allowedCommands" must map repository paths to lists of commands`);
    config.allowedCommands = allowedCommands;
  }
  if (commandNetwork !== undefined) {
    if (!Array.isArray(commandNetwork) || !commandNetwork.every((path) => typeof path === 'string')) throw new Error(`${path}: "commandNetwork" must be a list of repository paths`);
    config.commandNetwork = commandNetwork as string[];
  }
  if (gpuLayers !== undefined) config.gpuLayers = parseGpuLayers(gpuLayers, path);
  if (contextSize !== undefined) config.contextSize = parseContextSize(contextSize, path);
  return config;
}

/** True for an object of repository paths to lists of command lines, as config.json and TANDEM_ALLOWED_COMMANDS hold. */
export function isAllowlistMap(value: unknown): value is Record<string, string[]> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    && Object.values(value).every((list) => Array.isArray(list) && list.every((c) => typeof c === 'string'));
}

/** Applies a change to the stored config and writes it back atomically; unknown keys already there are kept. */
export function updateConfig(path: string, change: (config: TandemConfig) => TandemConfig): TandemConfig {
  const raw = readJsonFile(path);
  const next = change(readConfig(path));
  // Keys other areas may add later survive; the typed keys come from `next` only, so unsetting one works.
  const { model: _m, threads: _t, allowedCommands: _a, commandNetwork: _n, gpuLayers: _g, contextSize: _c, ...extra } = (raw ?? {}) as Record<string, unknown>;
  writeJsonFileAtomic(path, { ...extra, ...next });
  return next;
}

// Checks a settings update from a client before any of it is applied: a bad entry refuses the whole
// update, naming the entry, so the user fixes the setting and nothing is half applied.
import { isAbsolute } from 'node:path';
import { splitCommandLine } from '../agents/tools/command-line.js';
import type { SettingsUpdate } from '../protocol/daemon-settings.js';
import { parseContextSize, parseGpuLayers } from '../runtime/gpu-settings.js';
import { attemptsProblem } from './agent-options.js';

export type ParsedUpdate = { ok: true; update: SettingsUpdate } | { ok: false; message: string };

export function parseSettingsUpdate(raw: unknown): ParsedUpdate {
  if (!isRecord(raw)) return bad('the settings update must be an object');
  const update: SettingsUpdate = {};
  if (raw.allowedCommands !== undefined) {
    const parsed = parseAllowedCommands(raw.allowedCommands);
    if (typeof parsed === 'string') return bad(parsed);
    update.allowedCommands = parsed;
  }
  if (raw.model !== undefined) {
    if (typeof raw.model !== 'string') return bad('"model" must be a model name or a GGUF file path');
    update.model = raw.model.trim();
  }
  if (raw.threads !== undefined) {
    if (!Number.isInteger(raw.threads) || (raw.threads as number) < 0) return bad('"threads" must be a whole number, 0 or more (0: the daemon decides)');
    update.threads = raw.threads as number;
  }
  if (raw.critic !== undefined) {
    if (typeof raw.critic !== 'boolean') return bad('"critic" must be true or false');
    update.critic = raw.critic;
  }
  if (raw.attempts !== undefined) {
    const problem = attemptsProblem(raw.attempts);
    if (problem) return bad(problem);
    update.attempts = raw.attempts as number;
  }
  if (raw.gpuLayers !== undefined) {
    const problem = typeof raw.gpuLayers === 'string' && raw.gpuLayers.trim() === '' ? null : memoryProblem(() => parseGpuLayers(raw.gpuLayers, 'gpuLayers'));
    if (problem) return bad(problem);
    update.gpuLayers = String(raw.gpuLayers).trim();
  }
  if (raw.contextSize !== undefined) {
    const problem = raw.contextSize === 0 ? null : memoryProblem(() => parseContextSize(raw.contextSize, 'contextSize'));
    if (problem) return bad(problem);
    update.contextSize = raw.contextSize as number;
  }
  // Keys this daemon does not know are left alone, so a newer client can talk to an older daemon.
  return { ok: true, update };
}

/** The checked allowlists, or a sentence naming the first bad entry. */
function parseAllowedCommands(raw: unknown): Record<string, string[] | null> | string {
  if (!isRecord(raw)) return '"allowedCommands" must map repository paths to lists of commands';
  const lists: Record<string, string[] | null> = {};
  for (const [repo, commands] of Object.entries(raw)) {
    if (!isAbsolute(repo)) return `allowedCommands: "${repo}" is not an absolute repository path`;
    if (commands === null) {
      lists[repo] = null;
      continue;
    }
    if (!Array.isArray(commands)) return `allowedCommands["${repo}"] must be a list of commands, e.g. ["npm test"]`;
    for (const command of commands) {
      if (typeof command !== 'string') return `allowedCommands["${repo}"] holds ${JSON.stringify(command)}, which is not a command line`;
      const words = splitCommandLine(command);
      if (!words.ok) return `allowedCommands["${repo}"]: "${command}" cannot be run: ${words.error}`;
    }
    lists[repo] = commands as string[];
  }
  return lists;
}

/** The runtime's own parsers say what is wrong, so the message matches config.json's. */
function memoryProblem(parse: () => unknown): string | null {
  try {
    parse();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bad(message: string): ParsedUpdate {
  return { ok: false, message: `Settings not applied: ${message}.` };
}

// Checks a settings update from a client before any of it is applied: a bad entry refuses the whole
// update, naming the entry, so the user fixes the setting and nothing is half applied.
import { isAbsolute } from 'node:path';
import { splitCommandLine } from '../agents/tools/command-line.js';
import type { SettingsUpdate } from '../protocol/daemon-settings.js';
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bad(message: string): ParsedUpdate {
  return { ok: false, message: `Settings not applied: ${message}.` };
}

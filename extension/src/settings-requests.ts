// What a running daemon must be told so that it uses VS Code's settings as they are now: on connect
// everything (the daemon may be new, or another window may have told it otherwise), on a change only
// what changed. Pure, so it is tested without VS Code.
import type { SettingsUpdate } from '../../daemon/src/protocol/daemon-settings.js';
import { ROLES, type Role } from '../../daemon/src/protocol/types.js';
import type { TandemSettings } from './settings.js';

/** The settings a running daemon uses; the others are the extension's own or read at launch only. */
export type DaemonFacingSettings = Pick<TandemSettings, 'model' | 'threads' | 'adapters' | 'allowedCommands'>
  & Partial<Pick<TandemSettings, 'critic' | 'attempts' | 'gpuLayers' | 'contextSize'>>;

export type SettingsRequest =
  | { kind: 'settings'; params: SettingsUpdate }
  | { kind: 'adapter'; params: { role: Role; version: number } };

/**
 * The requests that bring the daemon from `sent` (what this window sent last; null: nothing yet) to
 * `now`. Each repository's commands go in a request of their own, so that one bad entry, which the
 * daemon refuses, does not hold back another repository's change (a command removed, say).
 */
export function settingsRequests(sent: DaemonFacingSettings | null, now: DaemonFacingSettings, on: 'connect' | 'change'): SettingsRequest[] {
  const all = on === 'connect' || sent === null;
  const requests: SettingsRequest[] = [];
  for (const [repo, commands] of Object.entries(now.allowedCommands)) {
    if (all || !sameList(sent.allowedCommands[repo], commands)) requests.push({ kind: 'settings', params: { allowedCommands: { [repo]: commands } } });
  }
  // A repository gone from the setting goes back to what the daemon's own config says.
  for (const repo of Object.keys(sent?.allowedCommands ?? {})) {
    if (!Object.hasOwn(now.allowedCommands, repo)) requests.push({ kind: 'settings', params: { allowedCommands: { [repo]: null } } });
  }
  const model: SettingsUpdate = {};
  if (all || now.model !== sent.model) model.model = now.model;
  if (all || now.threads !== sent.threads) model.threads = now.threads;
  if (Object.keys(model).length) requests.push({ kind: 'settings', params: model });
  // The agents' switches go on their own: a daemon too old to know them ignores them without refusing the model's.
  const agents: SettingsUpdate = {};
  if (now.critic !== undefined && (all || now.critic !== sent.critic)) agents.critic = now.critic;
  if (now.attempts !== undefined && (all || now.attempts !== sent.attempts)) agents.attempts = now.attempts;
  if (Object.keys(agents).length) requests.push({ kind: 'settings', params: agents });
  // The memory settings on their own too: a daemon older than them refuses the unknown fields, and only them.
  const memory: SettingsUpdate = {};
  if (now.gpuLayers !== undefined && (all || now.gpuLayers !== sent.gpuLayers)) memory.gpuLayers = now.gpuLayers;
  if (now.contextSize !== undefined && (all || now.contextSize !== sent.contextSize)) memory.contextSize = now.contextSize;
  if (Object.keys(memory).length) requests.push({ kind: 'settings', params: memory });
  // An unpinned role keeps the daemon's active adapter: there is nothing to send for it.
  for (const role of ROLES) {
    const version = now.adapters[role];
    if (version !== null && version !== undefined && (all || version !== sent.adapters[role])) requests.push({ kind: 'adapter', params: { role, version } });
  }
  return requests;
}

function sameList(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((item, i) => item === b[i]);
}

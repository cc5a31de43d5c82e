// The user's settings a running daemon takes from a client (VS Code's tandem.allowedCommands,
// tandem.model, tandem.threads), beside the daemon's lifecycle messages: a daemon started by the CLI
// or by another window, or one that outlives a settings change, still uses what the user says now.
import { request } from './messages.js';
import { s } from './params-schema.js';

export interface SettingsUpdate {
  /**
   * Per absolute repository path: the commands the worker may run there from now on, tasks already
   * running included. null hands the repository back to TANDEM_ALLOWED_COMMANDS and config.json.
   */
  allowedCommands?: Record<string, string[] | null>;
  /** The base model the client wants (a name or a GGUF path); '' leaves the choice to the daemon. */
  model?: string;
  /** Generation threads the client wants; 0 leaves the choice to the daemon. */
  threads?: number;
  /** A critic judges each worker result before the orchestrator sees it (tasks started from now on). */
  critic?: boolean;
  /** Attempts the worker makes at each subtask, each on its own scratch worktree (1 to 8; tasks started from now on). */
  attempts?: number;
}

/** A setting the daemon cannot apply while it runs, with what the user can do about it. */
export interface PendingSetting {
  setting: 'model' | 'threads';
  message: string;
}

export interface SettingsOutcome {
  /** The allowlist each repository named in the update has now, by its normalized path. */
  allowedCommands: Record<string, string[]>;
  /** Settings that differ from what the daemon runs with and take effect only on its next start. */
  pending: PendingSetting[];
}

/** Extension: VS Code's settings on connect and on each change. Under tandem/daemon/, so the panel cannot send it. */
export const DaemonSettings = request<SettingsUpdate, SettingsOutcome>()('tandem/daemon/settings', s.object({
  allowedCommands: s.optional(s.record(s.nullable(s.array(s.string())))),
  model: s.optional(s.string()),
  threads: s.optional(s.number()),
  critic: s.optional(s.boolean()),
  attempts: s.optional(s.number()),
}, 'the settings update'));

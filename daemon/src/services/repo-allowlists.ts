// The commands the worker may run, per repository: what a client (VS Code) sent last, else
// TANDEM_ALLOWED_COMMANDS, else config.json. The run tool asks at every call, so a command the user
// adds is allowed in the next step, and one the user removes is refused from then on.
// What clients send is shared by every client of this daemon and kept in memory only: each window
// sends its settings again when it connects, and a new daemon starts from the env and config.json.
import { delimiter, resolve } from 'node:path';
import { isAllowlistMap, readConfig } from '../config.js';

type Lists = Record<string, string[]>;

export class RepoAllowlists {
  private readonly sent = new Map<string, readonly string[]>();
  private readonly fromEnv: Lists;
  private readonly networkFromEnv: string[];

  constructor(private readonly configPath: string, env: NodeJS.ProcessEnv, log: (line: string) => void) {
    this.fromEnv = parseEnv(env.TANDEM_ALLOWED_COMMANDS, log);
    this.networkFromEnv = (env.TANDEM_COMMAND_NETWORK ?? '').split(delimiter).filter(Boolean);
  }

  forRepo(repoPath: string): readonly string[] {
    const repo = resolve(repoPath);
    return this.sent.get(repo) ?? entryFor(this.fromEnv, repo) ?? entryFor(readConfig(this.configPath).allowedCommands, repo) ?? [];
  }

  /** Whether the repository's commands may use the network: listed in TANDEM_COMMAND_NETWORK (paths) or config.json `commandNetwork`. */
  networkFor(repoPath: string): boolean {
    const repo = resolve(repoPath);
    const listed = [...this.networkFromEnv, ...(readConfig(this.configPath).commandNetwork ?? [])];
    return listed.some((path) => resolve(path) === repo);
  }

  /** Takes a client's lists (null: forget what clients said for that repository); returns each one's list now. */
  apply(lists: Record<string, string[] | null>): Lists {
    const now: Lists = {};
    for (const [path, commands] of Object.entries(lists)) {
      const repo = resolve(path);
      if (commands === null) this.sent.delete(repo);
      else this.sent.set(repo, [...commands]);
      now[repo] = [...this.forRepo(repo)];
    }
    return now;
  }
}

/** Keys in the env and config.json are written by hand: "/repo/" and "/repo" are the same repository. */
function entryFor(lists: Lists | undefined, repo: string): string[] | undefined {
  if (!lists) return undefined;
  return lists[repo] ?? Object.entries(lists).find(([path]) => resolve(path) === repo)?.[1];
}

/** A malformed TANDEM_ALLOWED_COMMANDS allows nothing, and says so once, rather than failing every run. */
function parseEnv(value: string | undefined, log: (line: string) => void): Lists {
  if (!value) return {};
  try {
    const parsed: unknown = JSON.parse(value);
    if (isAllowlistMap(parsed)) return parsed;
  } catch { /* reported below */ }
  log('TANDEM_ALLOWED_COMMANDS is not a JSON object of repository paths to lists of commands; it is ignored');
  return {};
}

// The table of every CLI command. Each area keeps its commands in its own file.
import type { CliCommand } from './command.js';
import { daemonCommands } from './daemon-commands.js';

export const commands: CliCommand[] = [
  ...daemonCommands,
];

// The table of every CLI command. Each area keeps its commands in its own file.
import type { CliCommand } from './command.js';
import { exportCommands } from './export-commands.js';

export const commands: CliCommand[] = [
  ...exportCommands,
];

// The table of every CLI command. Each area keeps its commands in its own file.
import type { CliCommand } from './command.js';
import { runtimeCommands } from './runtime-commands.js';

export const commands: CliCommand[] = [
  ...runtimeCommands,
];

// The table of every CLI command. Each area keeps its commands in its own file.
import type { CliCommand } from './command.js';
import { daemonCommands } from './daemon-commands.js';
import { exportCommands } from './export-commands.js';
import { modelsCommands } from './models-commands.js';
import { runtimeCommands } from './runtime-commands.js';
import { storeCommands } from './store-commands.js';
import { checkAdapterFits } from '../runtime/adapter-check.js';

export const commands: CliCommand[] = [
  ...daemonCommands,
  ...modelsCommands({ validateAdapter: checkAdapterFits }),
  ...runtimeCommands,
  ...storeCommands,
  ...exportCommands,
];

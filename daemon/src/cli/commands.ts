// The table of every CLI command. Each area keeps its commands in its own file.
import type { CliCommand } from './command.js';
import { clustersCommand } from './clusters-command.js';
import { daemonCommands } from './daemon-commands.js';
import { demoCommand } from './demo-command.js';
import { evalCommands } from './eval-commands.js';
import { exportCommands } from './export-commands.js';
import { modelsCommands } from './models-commands.js';
import { patternsCommand } from './patterns-command.js';
import { runtimeCommands } from './runtime-commands.js';
import { reviewCommand } from './review-command.js';
import { storeCommands } from './store-commands.js';
import { taskCommands } from './task-commands.js';
import { trainCommand } from './train-command.js';

export const commands: CliCommand[] = [
  ...daemonCommands,
  ...modelsCommands,
  ...runtimeCommands,
  ...evalCommands,
  ...storeCommands,
  ...exportCommands,
  ...taskCommands,
  reviewCommand,
  trainCommand,
  patternsCommand,
  demoCommand,
  clustersCommand,
];

// The table of every CLI command. Each area keeps its commands in its own file.
import type { CliCommand } from './command.js';
import { modelsCommands } from './models-commands.js';
import { daemonCommands } from './daemon-commands.js';
import { storeCommands } from './store-commands.js';
import { exportCommands } from './export-commands.js';
import { checkGgufSignature } from '../runtime/gguf-signature.js';

export const commands: CliCommand[] = [
  ...daemonCommands,
  // Until the runtime's full adapter validator is wired here, adapters are checked for the GGUF signature only.
  ...modelsCommands({ validateAdapter: (adapterPath) => checkGgufSignature(adapterPath) }),
  ...storeCommands,
  ...exportCommands,
];

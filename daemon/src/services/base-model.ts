// Which base model the daemon, the demo and the CLI use: TANDEM_MODEL (a path, or a name as VS Code's
// tandem.model setting gives it), else the configured or downloaded one, else the project's tiny
// random-weight fixture (made on first use, so Tandem works with no download).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readConfig } from '../config.js';
import type { TandemPaths } from '../paths.js';
import type { Role } from '../protocol/types.js';
import { writeFixtureModel } from '../runtime/fixture-model.js';
import { activeModelPath, findLocalModel } from '../runtime/local-models.js';
import { builtinCatalog } from '../runtime/model-catalog.js';

export interface BaseModelChoice {
  path: string;
  /** The fixture's own adapters, when the choice is the fixture; its output is random. */
  fixtureAdapters: Record<Role, string> | null;
}

export async function chooseBaseModel(paths: TandemPaths, env: NodeJS.ProcessEnv = process.env): Promise<BaseModelChoice> {
  if (env.TANDEM_MODEL) {
    const found = findLocalModel(paths.models, env.TANDEM_MODEL, builtinCatalog);
    if (!found) throw new Error(`TANDEM_MODEL is "${env.TANDEM_MODEL}", which is neither a model on this machine (\`tandem models list\`) nor a GGUF file.`);
    return { path: found, fixtureAdapters: null };
  }
  const configured = activeModelPath(paths.models, readConfig(paths.config).model, builtinCatalog);
  if (configured) return { path: configured, fixtureAdapters: null };
  const fixture = await writeFixtureModelOnce(join(paths.models, 'fixture'));
  return { path: fixture.modelPath, fixtureAdapters: fixture.adapters };
}

/** The fixture is deterministic (seed 1), so an existing copy is the same bytes and is kept. */
async function writeFixtureModelOnce(dir: string): Promise<{ modelPath: string; adapters: Record<Role, string> }> {
  const files = {
    modelPath: join(dir, 'tandem-fixture-tiny.gguf'),
    adapters: {
      orchestrator: join(dir, 'tandem-fixture-tiny.orchestrator.lora.gguf'),
      worker: join(dir, 'tandem-fixture-tiny.worker.lora.gguf'),
      critic: join(dir, 'tandem-fixture-tiny.critic.lora.gguf'),
    },
  };
  if ([files.modelPath, ...Object.values(files.adapters)].every((file) => existsSync(file))) return files;
  return writeFixtureModel(dir, { preset: 'tiny', seed: 1 });
}

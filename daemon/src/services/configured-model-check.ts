// What `tandem doctor` says about the base model the user configured: its generation check runs on
// the fixture, so a configured model that is missing, empty, truncated or corrupt is checked here.
import { readConfig } from '../config.js';
import type { TandemPaths } from '../paths.js';
import { validateBaseModelFile } from '../runtime/gguf-validate.js';
import { findLocalModel } from '../runtime/local-models.js';
import { builtinCatalog } from '../runtime/model-catalog.js';

export interface ConfiguredModelCheck {
  /** Where the setting came from, and what it names; null when none is configured (the fixture is used). */
  configured: { source: 'TANDEM_MODEL' | 'config.json'; value: string } | null;
  problem: string | null;
}

export async function checkConfiguredModel(paths: TandemPaths, env: NodeJS.ProcessEnv = process.env): Promise<ConfiguredModelCheck> {
  let configured: ConfiguredModelCheck['configured'] = null;
  try {
    const value = env.TANDEM_MODEL ?? readConfig(paths.config).model;
    if (value === undefined) return { configured: null, problem: null };
    configured = { source: env.TANDEM_MODEL ? 'TANDEM_MODEL' : 'config.json', value };
    const path = findLocalModel(paths.models, value, builtinCatalog);
    if (!path) return { configured, problem: `the model ${configured.source} names, ${value}, is not on this machine (\`tandem models list\`)` };
    const valid = await validateBaseModelFile(path);
    return { configured, problem: valid.ok ? null : `the configured model ${path} cannot be used: ${valid.error.message}` };
  } catch (error) {
    return { configured, problem: (error as Error).message };
  }
}

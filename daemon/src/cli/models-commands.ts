// `tandem models pull|list|use` and, through adaptersCommands, `tandem adapters …`.
import { readConfig, updateConfig } from '../config.js';
import { tandemPaths } from '../paths.js';
import { activeModelPath, findLocalModel, listLocalModels } from '../runtime/local-models.js';
import { builtinCatalog } from '../runtime/model-catalog.js';
import { validateBaseModelFile } from '../runtime/gguf-validate.js';
import { resolvePullSource } from '../runtime/model-source.js';
import { adaptersCommands, type AdapterCommandDeps } from './adapters-commands.js';
import { formatBytes, printFailure, printResult } from './cli-output.js';
import type { CliCommand } from './command.js';
import { ProgressBar } from './progress-bar.js';

const pull: CliCommand = {
  name: 'models pull',
  usage: 'models pull <name|hf:user/repo/file.gguf|https://…> [--sha256 HEX] [--file NAME.gguf] [--json]',
  summary: 'Download a base model (resumable; checked against its sha256 when one is known)',
  options: { sha256: { type: 'string' }, file: { type: 'string' } },
  async run({ values, positionals }) {
    const json = values.json === true;
    if (positionals.length !== 1) return printFailure(json, `give one model: ${builtinCatalog.models.map((m) => m.name).join(', ')}, an hf: URI or a URL`, 2);
    const resolved = resolvePullSource(positionals[0]!, {
      catalog: builtinCatalog,
      ...(typeof values.sha256 === 'string' ? { sha256: values.sha256 } : {}),
      ...(typeof values.file === 'string' ? { fileName: values.file } : {}),
    });
    if (!resolved.ok) return printFailure(json, resolved.message, 2);

    // Loaded only here: node-llama-cpp is heavy and the other commands do not need it.
    const { pullModel } = await import('../runtime/model-pull.js');
    const controller = new AbortController();
    const onInterrupt = () => controller.abort();
    process.once('SIGINT', onInterrupt);
    const bar = new ProgressBar();
    const outcome = await pullModel(resolved.source, {
      modelsDir: tandemPaths().models,
      signal: controller.signal,
      onProgress: (event) => bar.update(event),
    }).finally(() => process.off('SIGINT', onInterrupt));

    if (!outcome.ok) return printFailure(json, outcome.message, outcome.reason === 'cancelled' ? 130 : 1);
    printResult(json, outcome, () => {
      const how = outcome.alreadyPresent ? 'Already downloaded' : outcome.resumedFromBytes > 0 ? `Resumed at ${formatBytes(outcome.resumedFromBytes)}; saved` : 'Saved';
      const check = outcome.verified ? 'sha256 verified' : 'no expected sha256 to verify against';
      return `${how} ${outcome.model.path}\n  sha256 ${outcome.model.sha256} (${check})\n  use it: tandem models use ${outcome.model.name}`;
    });
    return 0;
  },
};

const list: CliCommand = {
  name: 'models list',
  usage: 'models list [--json]',
  summary: 'Base models on this machine, the one in use, and the recommended ones to pull',
  async run({ values }) {
    const paths = tandemPaths();
    const bar = new ProgressBar();
    const models = await listLocalModels(paths.models, (done, total) =>
      bar.update({ id: 'hash', title: 'Computing checksums', done, total, unit: 'bytes', finished: done === total }));
    const active = activeModelPath(paths.models, readConfig(paths.config).model, builtinCatalog);
    printResult(values.json === true, { models, active }, () => {
      const lines = models.map((m) => `${m.path === active ? '*' : ' '} ${m.name.padEnd(32)} ${formatBytes(m.sizeBytes).padStart(10)}  ${m.path}`);
      if (active && !models.some((m) => m.path === active)) lines.push(`* ${active}`);
      if (!lines.length) lines.push('No base models yet.');
      const here = new Set(models.map((m) => m.path.split(/[\\/]/).at(-1)));
      const pullable = builtinCatalog.models.filter((m) => !here.has(m.fileName));
      if (pullable.length) {
        lines.push('', 'Recommended (tandem models pull <name>):');
        for (const m of pullable) lines.push(`  ${m.name.padEnd(20)} ~${formatBytes(m.sizeBytes)}  ${m.description}${m.name === builtinCatalog.defaultName ? ' (default)' : ''}`);
      }
      return lines.join('\n');
    });
    return 0;
  },
};

const use: CliCommand = {
  name: 'models use',
  usage: 'models use <name|path.gguf> [--json]',
  summary: 'Choose the base model the daemon loads',
  async run({ values, positionals }) {
    const json = values.json === true;
    const paths = tandemPaths();
    if (positionals.length !== 1) return printFailure(json, 'give one model name or path', 2);
    const path = findLocalModel(paths.models, positionals[0]!, builtinCatalog);
    if (!path) return printFailure(json, `no local model "${positionals[0]}"; see \`tandem models list\` or pull it first`);
    const checked = await validateBaseModelFile(path);
    if (!checked.ok) return printFailure(json, checked.error.message);
    updateConfig(paths.config, (config) => ({ ...config, model: path }));
    printResult(json, { model: path }, () => `Using ${path}`);
    return 0;
  },
};

/** Every models and adapters command; `deps` supplies what another area owns (the adapter validator). */
export function modelsCommands(deps: AdapterCommandDeps): CliCommand[] {
  return [pull, list, use, ...adaptersCommands(deps)];
}

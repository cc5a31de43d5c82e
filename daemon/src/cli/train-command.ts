// `tandem train`: a training workspace from the store (train.py with TRL + PEFT, data, pinned
// requirements, README), `--setup` for the Python environment, `--run` to train here and bring the
// adapter back. Reads the store directly (read-only, one snapshot), so it works beside a running daemon.
import { resolve, join } from 'node:path';
import { tandemPaths } from '../paths.js';
import { AdaptersEvaluate, AdaptersImport, type EvaluateResult } from '../protocol/adapter-evaluation.js';
import { ROLES, type AdapterInfo, type Role } from '../protocol/types.js';
import { chooseBaseModel } from '../services/base-model.js';
import { ggufFacts, hfBaseMismatch } from '../training/base-match.js';
import { readExportRecords, UnusableExport, type ExportRecords } from '../training/export-records.js';
import { probePython, resolvePython, setupVenv } from '../training/python-env.js';
import { StepRenderer } from '../training/step-render.js';
import { readStepRecords } from '../training/step-records.js';
import { runTraining, TrainingFailed, type TrainResult } from '../training/train-run.js';
import { LORA_TARGETS, TRAIN_METHODS, writeTrainingWorkspace, type TrainMethod, type WorkspacePlan, type WorkspaceSummary } from '../training/train-workspace.js';
import type { CliCommand } from './command.js';
import { printFailure, printRefusal, progressBars } from './command-output.js';
import { withTandemClient } from './tandem-client.js';

const usage = 'train --role <orchestrator|worker> --base HF_MODEL [--method sft|dpo|kto] [--from-export DIR] [--out DIR] [--gguf FILE] [--split 0.8] [--min-signal approved|merged] [--steps N] [--lr X] [--rank R] [--alpha A] [--batch N] [--run] [--python PATH] [--threads N] | train --setup [--python PATH] [--index-url URL]';

type Values = Record<string, string | boolean | string[] | undefined>;

export const trainCommand: CliCommand = {
  name: 'train',
  usage,
  summary: 'Write a training workspace (TRL + PEFT LoRA) from recorded trajectories; --run trains it here, --setup makes the Python env',
  options: {
    role: { type: 'string' }, base: { type: 'string' }, method: { type: 'string' }, out: { type: 'string' }, gguf: { type: 'string' },
    split: { type: 'string' }, 'min-signal': { type: 'string' }, steps: { type: 'string' }, lr: { type: 'string' },
    rank: { type: 'string' }, alpha: { type: 'string' }, batch: { type: 'string' }, run: { type: 'boolean' }, python: { type: 'string' },
    threads: { type: 'string' }, setup: { type: 'boolean' }, 'from-export': { type: 'string' }, 'index-url': { type: 'string' },
  },
  async run({ values }) {
    const json = values.json === true;
    if (values.setup) return setup(values, json);
    const plan = await planFrom(values);
    if (typeof plan === 'string') return printFailure(json, `${plan}\nUsage: tandem ${usage}`, 2);
    // From an export folder the user made: checked (and its split adopted) before anything is written.
    let exported: ExportRecords | null = null;
    if (plan.fromExport) {
      try {
        exported = readExportRecords(plan.fromExport, plan.role, str(values.split) === undefined ? undefined : plan.trainFraction);
      } catch (error) {
        if (error instanceof UnusableExport) return printFailure(json, error.message, 2);
        throw error;
      }
      plan.trainFraction = exported.trainFraction;
    }
    // The Python is checked before anything is written, so a --run that cannot train leaves no workspace.
    const python = values.run ? resolvePython(str(values.python)) : null;
    if (values.run && !python) {
      return printFailure(json, 'No Python to train with: run tandem train --setup (a virtual environment with the pinned packages), or pass --python PATH / set TANDEM_PYTHON.');
    }
    if (python) {
      const probe = await probePython(python.python);
      if (!probe.ok) return printFailure(json, `${probe.message} (Python from ${python.from}; nothing was written.)`);
    }
    let summary: WorkspaceSummary;
    const renderer = await StepRenderer.open(plan.gguf.path);
    try {
      const records = exported?.records ?? readStepRecords(tandemPaths().database, { role: plan.role, trainFraction: plan.trainFraction });
      summary = writeTrainingWorkspace(plan, records, renderer);
    } catch (error) {
      return printFailure(json, (error as Error).message);
    } finally {
      await renderer.close();
    }
    if (!json) {
      console.log(`Training workspace: ${summary.dir}`);
      console.log(`  ${summary.counts.train} train / ${summary.counts.validation} validation examples (${summary.tasks.train} / ${summary.tasks.validation} tasks)`);
    }
    if (!python) {
      if (json) console.log(JSON.stringify({ workspace: summary }));
      else console.log(`Train it here with tandem train ... --run, or on a GPU box: see ${join(summary.dir, 'README.md')}`);
      return 0;
    }
    const progress = progressBars();
    progress({ id: 'workspace', title: 'Training workspace written', done: summary.counts.train, total: summary.counts.train, unit: 'records', finished: true });
    let result: TrainResult;
    // Ctrl-C, or the daemon cancelling a run it started, stops train.py; nothing is imported.
    const abort = new AbortController();
    const stop = () => abort.abort();
    process.once('SIGINT', stop).once('SIGTERM', stop);
    try {
      const threads = str(values.threads) ? Number(values.threads) : undefined;
      result = await runTraining({ python: python.python, workspace: summary.dir, onProgress: progress, signal: abort.signal, ...(threads ? { threads } : {}) });
    } catch (error) {
      if (error instanceof TrainingFailed) return printFailure(json, `${error.message} (workspace kept: ${summary.dir})`);
      throw error;
    } finally {
      process.off('SIGINT', stop).off('SIGTERM', stop);
    }
    if (!json) {
      console.log(`Trained ${result.steps} steps in ${result.train_seconds}s on ${result.device}: loss ${fmt(result.loss_first)} -> ${fmt(result.loss_last)}`);
      if (result.heldout_examples) console.log(`Held-out NLL per answer token in training (${result.heldout_examples} examples): ${fmt(result.heldout_nll_before)} -> ${fmt(result.heldout_nll_after)}`);
      console.log(`PEFT adapter: ${result.adapter_dir}`);
    }
    // Back into Tandem as a new inactive version, scored on the same held-out tasks; promotion stays the user's call.
    return withTandemClient(async (client) => {
      let imported: AdapterInfo;
      let evaluation: EvaluateResult;
      const importStarted = performance.now();
      client.onProgress(progress);
      progress({ id: 'import', title: 'Importing the adapter', done: 0, total: null });
      try {
        imported = await client.request(AdaptersImport, { role: plan.role, dir: result.adapter_dir });
      } catch (error) {
        return printRefusal(json, error);
      }
      const importSeconds = (performance.now() - importStarted) / 1000;
      try {
        evaluation = await client.request(AdaptersEvaluate, { role: plan.role, version: imported.version, split: plan.trainFraction });
      } catch (error) {
        return printRefusal(json, error);
      }
      if (json) {
        console.log(JSON.stringify({ workspace: summary, training: result, imported, importSeconds, evaluation }));
        return 0;
      }
      const { candidate, against, decision } = evaluation;
      const name = (version: number | null) => (version === null ? 'the base model' : `v${version}`);
      console.log(`Imported as ${plan.role} v${imported.version} (inactive).`);
      console.log(`Held-out NLL/token: ${name(against.version)} ${fmt(against.nllPerToken)}, v${imported.version} ${fmt(candidate.nllPerToken)} (${candidate.nllExamples} examples)`);
      console.log(`Preference accuracy: ${name(against.version)} ${fmt(against.preferenceAccuracy)}, v${imported.version} ${fmt(candidate.preferenceAccuracy)} (${candidate.preferencePairs} pairs)`);
      console.log(`Promotion gate: ${decision.allowed ? 'would promote' : 'would not promote'}: ${decision.reason}`);
      console.log(decision.allowed ? `Promote with: tandem adapters promote --role ${plan.role} ${imported.version}` : '');
      return 0;
    });
  },
};

async function setup(values: Values, json: boolean): Promise<number> {
  const indexUrl = str(values['index-url']);
  const basePython = str(values.python);
  const bar = progressBars();
  let lines = 0;
  const made = await setupVenv({
    ...(basePython ? { basePython } : {}),
    ...(indexUrl ? { pipArgs: ['--index-url', indexUrl] } : {}),
    onLine: (line) => {
      lines++;
      if (process.stderr.isTTY) bar({ id: 'setup', title: `Installing (${line.slice(0, 40)})`, done: lines, total: null, unit: 'records' });
      else if (!json) console.error(line);
    },
  }).catch((error: Error) => error);
  if (made instanceof Error) return printFailure(json, made.message);
  if (process.stderr.isTTY) bar({ id: 'setup', title: 'Installed', done: lines, total: null, unit: 'records', finished: true });
  if (json) console.log(JSON.stringify(made));
  else console.log(`${made.reused ? 'Reusing' : 'Made'} the training environment ${made.dir}\nIts Python: ${made.python} (tandem train --run finds it; or export TANDEM_PYTHON=${made.python})`);
  return 0;
}

async function planFrom(values: Values): Promise<WorkspacePlan | string> {
  const role = str(values.role);
  if (!role || !ROLES.includes(role as Role)) return `--role is required: ${ROLES.join(' or ')}.`;
  const base = str(values.base);
  if (!base) return '--base is required: the Hugging Face folder or id the base GGUF was converted from.';
  const method = (str(values.method) ?? 'sft') as TrainMethod;
  if (!TRAIN_METHODS.includes(method)) return `--method must be one of ${TRAIN_METHODS.join(', ')}.`;
  const minSignal = str(values['min-signal']) ?? 'approved';
  if (minSignal !== 'approved' && minSignal !== 'merged') return '--min-signal must be approved or merged.';
  const numbers: Record<string, number> = {};
  for (const [name, fallback] of [['split', 0.8], ['steps', 200], ['lr', method === 'sft' ? 2e-4 : 5e-5], ['rank', 8], ['alpha', 16], ['batch', 8]] as const) {
    const value = str(values[name]) === undefined ? fallback : Number(values[name]);
    if (!Number.isFinite(value) || value <= 0) return `--${name} must be a positive number.`;
    numbers[name] = value;
  }
  if (numbers.split! > 1) return '--split is the fraction of tasks to train on, between 0 and 1.';
  const paths = tandemPaths();
  let ggufPath = str(values.gguf);
  if (!ggufPath) {
    const choice = await chooseBaseModel(paths);
    if (choice.fixtureAdapters) return 'The base model is the built-in random fixture, which has no Hugging Face weights: pass --gguf FILE (or set TANDEM_MODEL) for the GGUF of your base.';
    ggufPath = choice.path;
  }
  ggufPath = resolve(ggufPath);
  let facts;
  try {
    facts = await ggufFacts(ggufPath);
  } catch (error) {
    return `Cannot read the base GGUF ${ggufPath}: ${(error as Error).message}`;
  }
  const baseRef = base.startsWith('.') || base.startsWith('/') ? resolve(base) : base;
  const mismatch = hfBaseMismatch(baseRef, facts);
  if (mismatch) return mismatch;
  const fromExport = str(values['from-export']);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  return {
    role: role as Role, method, base: baseRef, minSignal, trainFraction: numbers.split!, ...(fromExport ? { fromExport: resolve(fromExport) } : {}),
    gguf: { path: ggufPath, facts },
    out: resolve(str(values.out) ?? join(paths.home, 'training', `${role}-${method}-${stamp}`)),
    lora: { r: numbers.rank!, alpha: numbers.alpha!, dropout: 0, target_modules: LORA_TARGETS },
    training: { learning_rate: numbers.lr!, max_steps: numbers.steps!, batch_size: numbers.batch!, seed: 1, beta: 0.1, max_length: 4096 },
  };
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const fmt = (n: number | null): string => (n === null ? '-' : n.toFixed(4));

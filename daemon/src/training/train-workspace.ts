// Writes a self-contained training workspace: train.py, config.json, requirements.txt, README.md and
// data/{train,validation}.jsonl rendered from the store's steps. It is written beside its final place
// and renamed into it only when complete, so a failure leaves nothing that looks like a workspace.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Role } from '../protocol/types.js';
import type { GgufFacts } from './base-match.js';
import { requirementsText } from './python-requirements.js';
import type { StepRenderer } from './step-render.js';
import { isBad, isGood, type StepRecord } from './step-records.js';
import { TRAIN_SCRIPT } from './train-script.js';
import { workspaceReadme } from './workspace-readme.js';

export type TrainMethod = 'sft' | 'dpo' | 'kto';
export const TRAIN_METHODS: readonly TrainMethod[] = ['sft', 'dpo', 'kto'];

/** Projections PEFT targets in Llama and Qwen2 blocks; llama.cpp's converter maps each of them. */
export const LORA_TARGETS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'];

export interface TrainingSettings {
  learning_rate: number;
  max_steps: number;
  batch_size: number;
  seed: number;
  /** DPO / KTO strength. */
  beta: number;
  max_length: number;
}

export interface WorkspacePlan {
  role: Role;
  method: TrainMethod;
  /** Hugging Face folder or id of the base. */
  base: string;
  gguf: { path: string; facts: GgufFacts };
  out: string;
  trainFraction: number;
  minSignal: 'approved' | 'merged';
  /** An export folder the steps come from (`--from-export`); absent: the store. */
  fromExport?: string;
  lora: { r: number; alpha: number; dropout: number; target_modules: string[] };
  training: TrainingSettings;
}

export interface WorkspaceSummary {
  dir: string;
  counts: { train: number; validation: number };
  /** Tasks on each side: the split is by task, so no task is on both. */
  tasks: { train: number; validation: number };
}

export class EmptyDatasetError extends Error {}

export function writeTrainingWorkspace(plan: WorkspacePlan, records: StepRecord[], renderer: StepRenderer): WorkspaceSummary {
  if (existsSync(plan.out) && readdirSync(plan.out).length > 0) {
    throw new Error(`${plan.out} already exists and is not empty; choose another --out or remove it.`);
  }
  const rows = datasetRows(plan, records, renderer);
  if (!rows.train.length) {
    const what = plan.method === 'dpo' ? 'preference pairs (an approved and a rejected version of the same work)' : plan.method === 'kto' ? 'approved or rejected steps' : 'approved steps';
    throw new EmptyDatasetError(`${plan.fromExport ? `The export ${plan.fromExport}` : 'The store'} has no ${what} of the ${plan.role} in the train split (${records.length} ${plan.role} steps read); review some tasks first, or lower --split.`);
  }
  mkdirSync(dirname(plan.out), { recursive: true });
  const partial = join(dirname(plan.out), `.${basename(plan.out)}.partial-${process.pid}`);
  rmSync(partial, { recursive: true, force: true });
  try {
    mkdirSync(join(partial, 'data'), { recursive: true });
    const jsonl = (items: object[]) => items.map((item) => JSON.stringify(item)).join('\n') + (items.length ? '\n' : '');
    writeFileSync(join(partial, 'data', 'train.jsonl'), jsonl(rows.train));
    writeFileSync(join(partial, 'data', 'validation.jsonl'), jsonl(rows.validation));
    const config = {
      role: plan.role, method: plan.method, base: plan.base, lora: plan.lora, training: plan.training,
      gguf: { file: basename(plan.gguf.path), ...plan.gguf.facts },
      data: { format: 'tandem-tokens', trainFraction: plan.trainFraction, minSignal: plan.minSignal, ...(plan.fromExport ? { fromExport: plan.fromExport } : {}) },
    };
    writeFileSync(join(partial, 'config.json'), JSON.stringify(config, null, 2) + '\n');
    writeFileSync(join(partial, 'train.py'), TRAIN_SCRIPT, { mode: 0o755 });
    writeFileSync(join(partial, 'requirements.txt'), requirementsText());
    writeFileSync(join(partial, 'README.md'), workspaceReadme(plan, rows.train.length, rows.validation.length));
    if (existsSync(plan.out)) rmSync(plan.out, { recursive: true }); // empty, checked above
    renameSync(partial, plan.out);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
  const tasks = (items: { task_id: string }[]) => new Set(items.map((r) => r.task_id)).size;
  return { dir: plan.out, counts: { train: rows.train.length, validation: rows.validation.length }, tasks: { train: tasks(rows.train), validation: tasks(rows.validation) } };
}

type Row = { task_id: string } & Record<string, unknown>;

function datasetRows(plan: WorkspacePlan, records: StepRecord[], renderer: StepRenderer): { train: Row[]; validation: Row[] } {
  const out = { train: [] as Row[], validation: [] as Row[] };
  const rendered = (record: StepRecord) => renderer.render(record.turns, record.output);
  const good = (r: StepRecord) => isGood(r.label, plan.minSignal);
  if (plan.method === 'dpo') {
    for (const pair of preferencePairs(records, good)) {
      const chosen = rendered(pair.chosen);
      const rejected = renderer.render(pair.chosen.turns, pair.rejected.output);
      out[pair.chosen.split].push({
        task_id: pair.chosen.taskId, step_ids: [pair.chosen.stepId, pair.rejected.stepId],
        prompt: chosen.prompt, chosen: chosen.completion, rejected: rejected.completion,
        prompt_ids: chosen.prompt_ids, chosen_ids: chosen.completion_ids, rejected_ids: rejected.completion_ids,
      });
    }
    return out;
  }
  for (const record of records) {
    const label = good(record) ? true : isBad(record.label) ? false : null;
    if (label === null || (plan.method === 'sft' && !label)) continue;
    out[record.split].push({ task_id: record.taskId, step_id: record.stepId, label, ...rendered(record) });
  }
  return out;
}

/** Within a piece of work, each approved version's first step against each rejected version's: the prompt is the approved one's. */
export function preferencePairs(records: StepRecord[], good: (r: StepRecord) => boolean): { chosen: StepRecord; rejected: StepRecord }[] {
  const byKey = new Map<string, StepRecord[]>();
  for (const record of records) {
    if (!record.firstOfVersion) continue;
    const list = byKey.get(record.pairKey);
    if (list) list.push(record); else byKey.set(record.pairKey, [record]);
  }
  const pairs: { chosen: StepRecord; rejected: StepRecord }[] = [];
  for (const list of byKey.values()) {
    for (const chosen of list.filter(good)) {
      for (const rejected of list.filter((r) => isBad(r.label))) {
        if (rejected.output !== chosen.output) pairs.push({ chosen, rejected });
      }
    }
  }
  return pairs;
}

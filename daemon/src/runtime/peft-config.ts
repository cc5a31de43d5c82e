// A PEFT adapter folder's adapter_config.json, checked for what a GGUF LoRA can carry. llama.cpp applies
// one adapter as W + (alpha / rank) * B A on each target weight, with one alpha per file and the rank
// read from each lora_a. Anything PEFT can express beyond that is refused by name rather than dropped.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const PEFT_CONFIG_FILE = 'adapter_config.json';
export const PEFT_WEIGHTS_FILE = 'adapter_model.safetensors';

export type PeftProblem =
  | 'not_a_peft_folder' | 'not_lora' | 'dora' | 'rslora' | 'modules_to_save' | 'embedding_lora'
  | 'alpha_pattern' | 'lora_bias' | 'fan_in_fan_out' | 'unsupported_architecture' | 'missing_target' | 'shape_mismatch' | 'unreadable';

export class PeftImportError extends Error {
  constructor(readonly problem: PeftProblem, message: string) {
    super(message);
    this.name = 'PeftImportError';
  }
}

export interface PeftLoraConfig {
  alpha: number;
  rank: number;
  targetModules: string[];
  baseModelName: string | null;
}

const EMBEDDING_MODULES = ['embed_tokens', 'lm_head', 'wte', 'embed_out', 'word_embeddings'];

export function readPeftConfig(dir: string): PeftLoraConfig {
  const configPath = join(dir, PEFT_CONFIG_FILE);
  if (!existsSync(configPath) || !existsSync(join(dir, PEFT_WEIGHTS_FILE))) {
    const has = existsSync(join(dir, 'adapter_model.bin')) ? ' (it has adapter_model.bin: save with safe_serialization=True, the default since PEFT 0.7)' : '';
    throw new PeftImportError('not_a_peft_folder', `${dir} is not a PEFT adapter folder: it needs ${PEFT_CONFIG_FILE} and ${PEFT_WEIGHTS_FILE}${has}`);
  }
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new PeftImportError('unreadable', `${configPath} is not valid JSON: ${(error as Error).message}`);
  }
  const refuse = (problem: PeftProblem, what: string) => {
    throw new PeftImportError(problem, `${dir} cannot be converted faithfully: ${what}`);
  };
  if (raw.peft_type !== 'LORA') refuse('not_lora', `it is a ${String(raw.peft_type ?? 'unknown')} adapter; only LoRA can become a GGUF adapter`);
  if (raw.use_dora === true) refuse('dora', 'it is a DoRA adapter (use_dora), whose magnitude vectors llama.cpp cannot apply');
  if (raw.use_rslora === true) refuse('rslora', 'it uses rank-stabilized scaling (use_rslora: alpha/sqrt(r)), but llama.cpp scales by alpha/r');
  if (nonEmpty(raw.modules_to_save)) refuse('modules_to_save', `it saves whole modules (modules_to_save: ${list(raw.modules_to_save)}), which a LoRA adapter file cannot hold`);
  if (nonEmpty(raw.trainable_token_indices)) refuse('embedding_lora', 'it trains token embeddings (trainable_token_indices)');
  if (nonEmpty(raw.alpha_pattern)) refuse('alpha_pattern', `it sets alpha per module (alpha_pattern), but a GGUF adapter has one alpha`);
  if ((raw.bias !== undefined && raw.bias !== 'none') || raw.lora_bias === true) refuse('lora_bias', 'it trains biases (bias / lora_bias), which a GGUF LoRA cannot hold');
  if (raw.fan_in_fan_out === true) refuse('fan_in_fan_out', 'its weights are stored transposed (fan_in_fan_out, GPT-2 style Conv1D)');
  if (nonEmpty(raw.target_parameters)) refuse('not_lora', 'it targets parameters directly (target_parameters), not linear modules');
  const targets = targetModules(raw.target_modules);
  const embedding = targets.filter((t) => EMBEDDING_MODULES.includes(t));
  if (embedding.length) refuse('embedding_lora', `it puts LoRA on the embedding or output layer (${embedding.join(', ')})`);
  const alpha = raw.lora_alpha, rank = raw.r;
  if (typeof alpha !== 'number' || typeof rank !== 'number' || rank <= 0) throw new PeftImportError('unreadable', `${configPath} has no valid r and lora_alpha`);
  return { alpha, rank, targetModules: targets, baseModelName: typeof raw.base_model_name_or_path === 'string' ? raw.base_model_name_or_path : null };
}

function targetModules(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return [value]; // a regex in PEFT; only the tensors decide what is targeted then
  return [];
}

function nonEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

function list(value: unknown): string {
  return Array.isArray(value) ? value.join(', ') : String(value);
}

// The Python packages a training workspace needs, pinned. `==X.Y.Z` without a local label also matches
// a local build (torch 2.13.0+cpu here, a CUDA build of 2.13.0 on a GPU box), so one file serves both.
import { createHash } from 'node:crypto';

export const TRAINING_REQUIREMENTS: readonly string[] = [
  'torch==2.13.0',
  'transformers==5.17.0',
  'peft==0.21.0',
  'trl==1.13.0',
  'datasets==5.0.1',
  'accelerate==1.15.0',
  'safetensors==0.8.0',
  'sentencepiece==0.2.2',
];

/** The import names train.py needs, checked before a run so a missing one is named, not a traceback. */
export const TRAINING_MODULES: readonly string[] = ['torch', 'transformers', 'peft', 'trl', 'datasets', 'accelerate', 'safetensors'];

export function requirementsText(): string {
  return `# Written by tandem train. Install with: pip install -r requirements.txt\n${TRAINING_REQUIREMENTS.join('\n')}\n`;
}

/** Short and stable: names the default virtual environment, so changed pins get a fresh one. */
export function requirementsHash(): string {
  return createHash('sha256').update(TRAINING_REQUIREMENTS.join('\n')).digest('hex').slice(0, 10);
}

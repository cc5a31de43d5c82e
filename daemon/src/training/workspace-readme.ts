// The README a training workspace carries: what is in it, the one command to train on a GPU box, and
// how the adapter comes back into Tandem.
import type { WorkspacePlan } from './train-workspace.js';

export function workspaceReadme(plan: WorkspacePlan, train: number, validation: number): string {
  return `# Tandem training workspace: ${plan.role}, ${plan.method.toUpperCase()}

Written by \`tandem train\`. Everything needed to train is in this folder; copy it anywhere.

| file | what |
|---|---|
| \`data/train.jsonl\` (${train}), \`data/validation.jsonl\` (${validation}) | one example per line, split by task |
| \`config.json\` | base model, LoRA (r ${plan.lora.r}, alpha ${plan.lora.alpha}, ${plan.lora.target_modules.join('/')}), training settings, the GGUF's shape |
| \`train.py\` | TRL ${plan.method === 'sft' ? 'SFTTrainer' : plan.method === 'dpo' ? 'DPOTrainer' : 'KTOTrainer'} with a PEFT \`LoraConfig\` |
| \`requirements.txt\` | the pinned packages |

Each example is exactly what Tandem's runtime gave the model and what it produced: the prompt rendered by
the base GGUF's own chat template and tokenized by its own tokenizer (\`prompt_ids\`), and the model's
answer as JSON text followed by the end-of-turn token (\`completion_ids\`${plan.method === 'dpo' ? '; `chosen_ids` / `rejected_ids` for a pair' : ''}).
The \`prompt\` and \`completion\` strings are the same ids decoded, for reading. train.py trains on the ids
(loss on the answer only), so the adapter learns the text Tandem samples, not a chat template's tool-call rendering.

## Train on a GPU box

\`\`\`sh
python3 -m venv venv && . venv/bin/activate
pip install torch --index-url https://download.pytorch.org/whl/cu124   # a CUDA build of the pinned torch version
pip install -r requirements.txt
python train.py            # --base PATH if the Hugging Face model "${plan.base}" lives elsewhere there
\`\`\`

It writes \`adapter/\` (PEFT: \`adapter_config.json\`, \`adapter_model.safetensors\`) and \`result.json\`
(losses, held-out NLL before and after). Progress lines start with \`TANDEM_PROGRESS\`.

## Bring the adapter back

Copy \`adapter/\` to the machine with Tandem, then:

\`\`\`sh
tandem adapters import --role ${plan.role} adapter/     # converts PEFT to GGUF, registers it inactive
tandem eval --role ${plan.role} --adapter N --against base   # held-out NLL and preference accuracy against the active one
tandem adapters promote --role ${plan.role} N            # if the gate allows; a running daemon hot-swaps it
\`\`\`

On this machine, \`tandem train --run\` does all of this in one go.
`;
}

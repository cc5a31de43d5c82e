// What `tandem demo --loop` needs before it starts anything: a Hugging Face base and the GGUF made from it
// (default: llama-tiny beside the Tandem checkout), and a Python with the training packages.
// Each missing piece is one message that says how to get it; nothing is written before all are there.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probePython, resolvePython } from '../training/python-env.js';

export interface LoopInputs { base: string; gguf: string; python: string; pythonFrom: string }

type Values = Record<string, string | boolean | string[] | undefined>;

export async function checkLoopInputs(values: Values): Promise<LoopInputs | string> {
  const model = loopModel(str(values.base), str(values.gguf));
  if (typeof model === 'string') return model;
  const python = resolvePython(str(values.python));
  if (!python) {
    return 'The loop demo trains a LoRA and needs the training Python: run `tandem train --setup` (a virtual environment with the pinned packages, about a minute from a local mirror), or pass --python PATH / set TANDEM_PYTHON.';
  }
  const probe = await probePython(python.python);
  if (!probe.ok) return `${probe.message} (Python from ${python.from}.)`;
  return { ...model, python: python.python, pythonFrom: python.from };
}

function loopModel(base: string | undefined, gguf: string | undefined): { base: string; gguf: string } | string {
  const usage = 'Pass --base HF_DIR (a Hugging Face model folder) and --gguf FILE (its GGUF made by llama.cpp\'s converter); a small model keeps the demo under 10 minutes on a laptop.';
  if (base === undefined && gguf === undefined) {
    const root = packageRoot();
    const tiny = root && join(root, '..', 'shared', 'interop', 'llama-tiny');
    if (tiny && existsSync(join(tiny, 'hf', 'config.json')) && existsSync(join(tiny, 'base.gguf'))) return { base: join(tiny, 'hf'), gguf: join(tiny, 'base.gguf') };
    return `No model for the loop demo: the default, llama-tiny at ${tiny ?? '<tandem checkout>/../shared/interop/llama-tiny'}/{hf,base.gguf}, is not there. ${usage}`;
  }
  if (base === undefined || gguf === undefined) return `--base and --gguf go together: the GGUF must be the Hugging Face model's weights. ${usage}`;
  if (!existsSync(join(base, 'config.json'))) return `${resolve(base)} is not a Hugging Face model folder (no config.json). ${usage}`;
  if (!existsSync(gguf)) return `No GGUF at ${resolve(gguf)}. ${usage}`;
  return { base: resolve(base), gguf: resolve(gguf) };
}

/** The Tandem checkout or install this code runs from (dist/daemon/cli.js or daemon/src/cli/). */
function packageRoot(): string | null {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'tandem') return dir;
  }
  return null;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

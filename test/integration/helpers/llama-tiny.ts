// The third-party interop fixture made by transformers, PEFT and llama.cpp's converters
// (../shared/interop/llama-tiny, see its MAKE.md), used as it is.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const INTEROP_DIR = resolve(import.meta.dirname, '../../../../shared/interop/llama-tiny');

export function interopFile(...parts: string[]): string {
  return join(INTEROP_DIR, ...parts);
}

export interface InteropPrompt {
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
  text: string;
  ids: number[];
  base: { ids: number[] };
  lora: { ids: number[]; text: string };
}

export interface InteropExpected {
  special_tokens: Record<string, number>;
  lora_target: { text: string; ids_with_im_end: number[] };
  prompts: InteropPrompt[];
}

export function readExpected(): InteropExpected {
  return JSON.parse(readFileSync(interopFile('expected.json'), 'utf8')) as InteropExpected;
}

// The one check an adapter passes before it is registered: it is a LoRA adapter that fits this base model.
import { validateAdapterFile, validateBaseModelFile } from './gguf-validate.js';

/** Throws an Error whose message names what is wrong with the adapter (or the base model). */
export async function checkAdapterFits(adapterPath: string, baseModelPath: string): Promise<void> {
  const base = await validateBaseModelFile(baseModelPath);
  if (!base.ok) throw new Error(base.error.message);
  const fits = await validateAdapterFile(adapterPath, base.value);
  if (!fits.ok) throw new Error(fits.error.message);
}

// The GPU as `tandem status` and `tandem doctor` print it: where the model runs, and when not on a GPU,
// why not and what to do. Both commands indent these lines under their own headings.
import type { GpuStatus, WarmupStatus } from '../protocol/gpu-status.js';

/** Doctor's headings are bare names in a column; status's end with a colon. */
export const DOCTOR_HEADING = (name: string) => `  ${name.padEnd(10)} `;
export const STATUS_HEADING = (name: string) => `  ${`${name}:`.padEnd(10)}`;

export function gpuLines(gpu: GpuStatus, pad: (name: string) => string): string[] {
  const lines: string[] = [];
  if (gpu.devices.length) lines.push(`${pad('gpu')}${gpu.devices.join(', ')} (${gpu.backend})`);
  if (gpu.vram) lines.push(`${pad('vram')}${gpu.vram.usedMb} MiB used of ${gpu.vram.totalMb} MiB (${gpu.vram.freeMb} MiB free)`);
  if (gpu.backend !== 'cpu') lines.push(`${pad('layers')}${gpu.layersOffloaded} of ${gpu.layersTotal} on the GPU`);
  if (gpu.notUsed) {
    lines.push(`${pad('gpu')}not used (${gpu.notUsed.reason}): ${gpu.notUsed.message}`);
    if (gpu.notUsed.fix) lines.push(`${pad('fix')}${gpu.notUsed.fix}`);
  }
  return lines;
}

export function warmupLine(warmup: WarmupStatus | null | undefined): string | null {
  if (!warmup) return null;
  const what = warmup.state === 'preparing' ? `${warmup.label}...`
    : warmup.state === 'ready' ? `ready (${warmup.label}: ${warmup.ms} ms)`
      : `failed (${warmup.error}); the first task pays for the warm-up`;
  return `${STATUS_HEADING('warm-up')}${what}`;
}

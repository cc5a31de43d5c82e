// The GPU part of `tandem status` and `tandem doctor`: devices, VRAM, layers offloaded, and why the GPU
// is not used when it is not. The machine's facts are read only then, once per runtime.
import type { LlamaModel } from 'node-llama-cpp';
import type { GpuStatus } from '../protocol/gpu-status.js';
import { diagnoseGpu } from './gpu-diagnosis.js';
import { readMachineGpuFacts, type MachineGpuFacts } from './gpu-facts.js';
import type { GpuLayersSetting } from './gpu-settings.js';
import type { LlamaBackend } from './llama-backend.js';

export class GpuReport {
  private machine: Promise<MachineGpuFacts> | null = null;

  constructor(private readonly backend: LlamaBackend, private readonly model: LlamaModel, private readonly gpuLayers: GpuLayersSetting) {}

  async read(): Promise<GpuStatus> {
    const { llama, backend, log, startWarnings } = this.backend;
    const devices = backend === 'cpu' ? [] : await llama.getGpuDeviceNames();
    const vram = backend === 'cpu' ? null : await llama.getVramState();
    const layersOffloaded = this.model.gpuLayers;
    const llamaReport = { backend, devices, layersOffloaded, gpuLayers: this.gpuLayers, log: [...startWarnings, ...log.since(0)] };
    const usesGpu = backend !== 'cpu' && devices.length > 0 && layersOffloaded > 0 && this.gpuLayers !== 0;
    const notUsed = usesGpu ? null : diagnoseGpu(await (this.machine ??= readMachineGpuFacts()), llamaReport);
    return {
      backend, devices, layersOffloaded, layersTotal: this.model.fileInsights.totalLayers, notUsed,
      vram: vram && vram.total > 0 ? { totalMb: mib(vram.total), usedMb: mib(vram.used), freeMb: mib(vram.free) } : null,
    };
  }
}

function mib(bytes: number): number {
  return Math.round(bytes / 1024 / 1024);
}

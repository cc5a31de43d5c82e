import assert from 'node:assert/strict';
import { DOCTOR_HEADING, gpuLines, STATUS_HEADING, warmupLine } from '../../../daemon/src/cli/gpu-lines.js';

describe('GPU lines of status and doctor', () => {
  it('a GPU in use: device, VRAM and layers, no reason', () => {
    const lines = gpuLines({
      backend: 'vulkan', devices: ['NVIDIA H200'], vram: { totalMb: 143771, usedMb: 3201, freeMb: 140570 }, layersOffloaded: 17, layersTotal: 17, notUsed: null,
    }, DOCTOR_HEADING);
    assert.deepEqual(lines, [
      '  gpu        NVIDIA H200 (vulkan)',
      '  vram       3201 MiB used of 143771 MiB (140570 MiB free)',
      '  layers     17 of 17 on the GPU',
    ]);
  });

  it('the CPU: why no GPU is used and the fix, under status\'s headings', () => {
    const lines = gpuLines({
      backend: 'cpu', devices: [], vram: null, layersOffloaded: 0, layersTotal: 3,
      notUsed: { reason: 'loader-missing', message: 'No Vulkan loader.', fix: 'Install libvulkan1.' },
    }, STATUS_HEADING);
    assert.deepEqual(lines, ['  gpu:      not used (loader-missing): No Vulkan loader.', '  fix:      Install libvulkan1.']);
  });

  it('says what the warm-up is doing, or that the first task pays for it when it failed', () => {
    assert.equal(warmupLine({ state: 'preparing', label: 'preparing GPU kernels', ms: null, error: null }), '  warm-up:  preparing GPU kernels...');
    assert.match(warmupLine({ state: 'failed', label: 'x', ms: 5, error: 'boom' })!, /failed \(boom\); the first task pays/);
    assert.equal(warmupLine(null), null);
  });
});

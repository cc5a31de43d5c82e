import assert from 'node:assert/strict';
import { diagnoseGpu, type LlamaGpuReport } from '../../../daemon/src/runtime/gpu-diagnosis.js';
import type { MachineGpuFacts } from '../../../daemon/src/runtime/gpu-facts.js';

// The H200 machine of ../shared/GPU.md: NVIDIA driver, CUDA 13 runtime, both prebuilts installed.
const nvidiaBox: MachineGpuFacts = {
  platform: 'linux', arch: 'x64', prebuilts: { cuda: true, vulkan: true }, cudaRuntimesNeeded: [13, 12], cudaRuntimesFound: [13],
  nvidiaDriver: true, renderNode: false, vulkanLoader: true, glvnd: true,
};
const onCpu: LlamaGpuReport = { backend: 'cpu', devices: [], layersOffloaded: 0, gpuLayers: 'auto', log: [] };
const machine = (over: Partial<MachineGpuFacts>): MachineGpuFacts => ({ ...nvidiaBox, ...over });

describe('why the GPU is not used', () => {
  it('says nothing when a GPU device holds layers', () => {
    assert.equal(diagnoseGpu(nvidiaBox, { backend: 'vulkan', devices: ['NVIDIA H200'], layersOffloaded: 17, gpuLayers: 'auto', log: [] }), null);
  });

  it('names the Vulkan build that found no device (the silent fallback) and the glvnd/ICD fix', () => {
    const why = diagnoseGpu(nvidiaBox, { backend: 'vulkan', devices: [], layersOffloaded: 0, gpuLayers: 'auto', log: [] });
    assert.equal(why?.reason, 'driver-refused');
    assert.match(why!.fix, /libglx0/);
    assert.match(why!.fix, /VK_DRIVER_FILES/);
  });

  it('says a GPU that holds no layer is not used, and how to make room', () => {
    const why = diagnoseGpu(nvidiaBox, { backend: 'cuda', devices: ['NVIDIA H200'], layersOffloaded: 0, gpuLayers: 'auto', log: [] });
    assert.equal(why?.reason, 'no-layers-offloaded');
    assert.match(why!.fix, /gpuLayers/);
  });

  it('reports gpuLayers 0 as the user\'s choice, on any backend', () => {
    assert.equal(diagnoseGpu(nvidiaBox, { ...onCpu, gpuLayers: 0 })?.reason, 'disabled');
    assert.equal(diagnoseGpu(nvidiaBox, { backend: 'vulkan', devices: ['NVIDIA H200'], layersOffloaded: 0, gpuLayers: 0, log: [] })?.reason, 'disabled');
  });

  it('has nothing to fix on a machine with no GPU driver', () => {
    const why = diagnoseGpu(machine({ nvidiaDriver: false, renderNode: false }), onCpu);
    assert.equal(why?.reason, 'no-gpu');
    assert.equal(why!.fix, '');
  });

  it('says when node-llama-cpp ships no GPU build for the platform, and how to build one', () => {
    const why = diagnoseGpu(machine({ arch: 'arm64' }), onCpu);
    assert.equal(why?.reason, 'no-prebuilt');
    assert.match(why!.fix, /source download --gpu/);
  });

  it('says when the GPU prebuilts were not installed (optional dependencies omitted)', () => {
    const why = diagnoseGpu(machine({ prebuilts: { cuda: false, vulkan: false } }), onCpu);
    assert.equal(why?.reason, 'no-prebuilt');
    assert.match(why!.fix, /optional/);
  });

  it('quotes the driver refusing to start from the log', () => {
    const refusal = "ggml_vulkan: Could not get 'vkCreateInstance' via 'vk_icdGetInstanceProcAddr'";
    const why = diagnoseGpu(nvidiaBox, { ...onCpu, log: ['falling back to using no GPU', refusal] });
    assert.equal(why?.reason, 'driver-refused');
    assert.ok(why!.message.includes(refusal));
  });

  it('names the CUDA runtime the prebuilt needs against the one installed', () => {
    const why = diagnoseGpu(machine({ cudaRuntimesNeeded: [12], cudaRuntimesFound: [13], vulkanLoader: false }), onCpu);
    assert.equal(why?.reason, 'cuda-runtime-version');
    assert.match(why!.message, /CUDA 12 runtime.*CUDA 13/);
    assert.match(why!.fix, /libcudart\.so\.12/);
    assert.match(why!.fix, /libvulkan1/, 'Vulkan is offered as the other way');
  });

  it('says the Vulkan loader is missing when a driver is there and CUDA does not apply', () => {
    const why = diagnoseGpu(machine({ vulkanLoader: false, cudaRuntimesFound: [] }), onCpu);
    assert.equal(why?.reason, 'loader-missing');
    assert.match(why!.fix, /libvulkan1/);
    assert.match(why!.fix, /CUDA 13 runtime/, 'or the CUDA runtime the prebuilt needs');
  });

  it('names glvnd when NVIDIA\'s Vulkan driver lacks it', () => {
    const why = diagnoseGpu(machine({ glvnd: false, cudaRuntimesFound: [] }), onCpu);
    assert.equal(why?.reason, 'driver-refused');
    assert.match(why!.message, /glvnd/);
  });

  it('an AMD/Intel render node with no loader needs only the loader, not NVIDIA\'s glvnd and ICD', () => {
    const why = diagnoseGpu(machine({ nvidiaDriver: false, renderNode: true, vulkanLoader: false, cudaRuntimesFound: [] }), onCpu);
    assert.equal(why?.reason, 'loader-missing');
    assert.doesNotMatch(why!.fix, /glvnd|CUDA/);
  });
});

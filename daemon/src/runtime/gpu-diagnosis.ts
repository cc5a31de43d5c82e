// Why llama.cpp is not on the GPU, and what fixes it. Pure: the machine's facts (gpu-facts.ts) and what
// node-llama-cpp reported in, one reason with its fix out. node-llama-cpp tries CUDA, then Vulkan, then
// the CPU, and on a machine whose Vulkan driver refuses to start it even reports 'vulkan' with no device
// (../shared/GPU.md), so the devices and offloaded layers decide, not the backend name alone.
import type { GpuNotUsed } from '../protocol/gpu-status.js';
import type { MachineGpuFacts } from './gpu-facts.js';
import type { GpuLayersSetting } from './gpu-settings.js';

export interface LlamaGpuReport {
  /** The binary node-llama-cpp loaded: 'cuda' | 'vulkan' | 'metal' | 'cpu'. */
  backend: string;
  /** llama.getGpuDeviceNames(). */
  devices: string[];
  /** model.gpuLayers; null before a model is loaded. */
  layersOffloaded: number | null;
  gpuLayers: GpuLayersSetting;
  /** What node-llama-cpp and llama.cpp warned while starting (fallback messages, driver errors). */
  log: string[];
}

const VULKAN_PACKAGES = 'libvulkan1 (Debian/Ubuntu; vulkan-loader on Fedora/Arch)';
const GLVND_PACKAGES = 'libglvnd0 libegl1 libgl1 libglx0 libopengl0 libgles2';
const NVIDIA_ICD = 'VK_DRIVER_FILES=<path of nvidia_icd.json> (e.g. /usr/share/vulkan/icd.d/nvidia_icd.json)';
const DRIVER_REFUSED_LOG = /vkCreateInstance|vk_icdGetInstanceProcAddr|ErrorIncompatibleDriver|VK_ERROR_INCOMPATIBLE_DRIVER|ErrorInitializationFailed/i;
/** Platforms node-llama-cpp ships a GPU prebuilt for (3.x): CUDA and Vulkan on x64 Linux and Windows, Metal on Apple silicon. */
const GPU_PREBUILT_PLATFORMS = new Set(['linux-x64', 'win32-x64', 'darwin-arm64']);

/** Null when a GPU holds (some of) the model; otherwise the reason it does not and what to do. */
export function diagnoseGpu(machine: MachineGpuFacts, llama: LlamaGpuReport): GpuNotUsed | null {
  if (llama.gpuLayers === 0) {
    return { reason: 'disabled', message: 'GPU offloading is off (gpuLayers is 0).', fix: 'Remove "gpuLayers" from config.json (or TANDEM_GPU_LAYERS) to let Tandem use the GPU.' };
  }
  if (llama.backend !== 'cpu') return onGpuBackend(llama);
  return onCpuBackend(machine, llama.log);
}

function onGpuBackend(llama: LlamaGpuReport): GpuNotUsed | null {
  if (llama.devices.length === 0) {
    const vulkan = llama.backend === 'vulkan';
    return {
      reason: 'driver-refused',
      message: `node-llama-cpp loaded its ${llama.backend} build, but it found no GPU device, so llama.cpp runs on the CPU.`,
      fix: vulkan
        ? `The Vulkan driver did not start. For NVIDIA install glvnd (${GLVND_PACKAGES}) and set ${NVIDIA_ICD}; check with \`vulkaninfo --summary\`.`
        : 'Check the GPU driver (nvidia-smi) and run with TANDEM_DEBUG=1 to see llama.cpp\'s log.',
    };
  }
  if (llama.layersOffloaded === 0) {
    return {
      reason: 'no-layers-offloaded',
      message: `The ${llama.backend} GPU (${llama.devices.join(', ')}) holds none of the model's layers.`,
      fix: 'Free VRAM (other processes), use a smaller model or context size, or set "gpuLayers" in config.json (TANDEM_GPU_LAYERS) to a number of layers that fits.',
    };
  }
  return null;
}

function onCpuBackend(machine: MachineGpuFacts, log: string[]): GpuNotUsed {
  const apple = machine.platform === 'darwin';
  if (!apple && !machine.nvidiaDriver && !machine.renderNode) {
    return { reason: 'no-gpu', message: 'No GPU driver was found on this machine; llama.cpp runs on the CPU.', fix: '' };
  }
  if (!GPU_PREBUILT_PLATFORMS.has(`${machine.platform}-${machine.arch}`)) {
    return {
      reason: 'no-prebuilt',
      message: `node-llama-cpp ships no GPU build for ${machine.platform}-${machine.arch}.`,
      fix: 'Build llama.cpp for your GPU once: `npx --no node-llama-cpp source download --gpu vulkan` (or `--gpu cuda`), which needs cmake and a compiler.',
    };
  }
  if (!apple && !machine.prebuilts.cuda && !machine.prebuilts.vulkan) {
    return {
      reason: 'no-prebuilt',
      message: "node-llama-cpp's GPU builds (@node-llama-cpp/*-cuda, *-vulkan) are not installed.",
      fix: 'They are optional dependencies: reinstall without --omit=optional / --no-optional (`npm ci`).',
    };
  }
  const refused = log.find((line) => DRIVER_REFUSED_LOG.test(line));
  if (refused) {
    return {
      reason: 'driver-refused',
      message: `The GPU driver refused to start: ${refused}`,
      fix: `Install glvnd (${GLVND_PACKAGES})${machine.nvidiaDriver ? ` and set ${NVIDIA_ICD}` : ''}; check with \`vulkaninfo --summary\`.`,
    };
  }
  const cudaMismatch = machine.nvidiaDriver && machine.prebuilts.cuda && machine.cudaRuntimesNeeded.length > 0
    && machine.cudaRuntimesFound.length > 0 && !machine.cudaRuntimesFound.some((v) => machine.cudaRuntimesNeeded.includes(v));
  if (cudaMismatch) {
    return {
      reason: 'cuda-runtime-version',
      message: `node-llama-cpp's CUDA build needs the CUDA ${machine.cudaRuntimesNeeded.join(' or ')} runtime; this machine has CUDA ${machine.cudaRuntimesFound.join(', ')}.`,
      fix: `Install the CUDA ${machine.cudaRuntimesNeeded[0]} runtime and cuBLAS (libcudart.so.${machine.cudaRuntimesNeeded[0]}, libcublas.so.${machine.cudaRuntimesNeeded[0]}), or use Vulkan: install ${VULKAN_PACKAGES}${machine.vulkanLoader ? '' : ' and glvnd'}.`,
    };
  }
  if (!machine.vulkanLoader) {
    const cuda = machine.nvidiaDriver && machine.cudaRuntimesFound.length === 0
      ? ` (or the CUDA ${machine.cudaRuntimesNeeded[0] ?? 12} runtime and cuBLAS for the CUDA build)` : '';
    return {
      reason: 'loader-missing',
      message: 'A GPU driver is installed, but not the Vulkan loader (libvulkan.so.1), so node-llama-cpp fell back to the CPU.',
      fix: `Install ${VULKAN_PACKAGES}${machine.nvidiaDriver ? ` and glvnd (${GLVND_PACKAGES})` : ''}${cuda}.`,
    };
  }
  if (machine.nvidiaDriver && !machine.glvnd) {
    return {
      reason: 'driver-refused',
      message: "NVIDIA's Vulkan driver needs glvnd (libGLX.so.0, libEGL.so.1), which is not installed, so it does not start.",
      fix: `Install ${GLVND_PACKAGES} and set ${NVIDIA_ICD}.`,
    };
  }
  return {
    reason: 'driver-refused',
    message: 'A GPU driver and the Vulkan loader are installed, but node-llama-cpp could not use the GPU.',
    fix: 'Run `vulkaninfo --summary` to check the driver, and `TANDEM_DEBUG=1 tandem doctor` to see llama.cpp\'s log.',
  };
}

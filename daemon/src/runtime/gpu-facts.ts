// What this machine offers a GPU backend, read from the file system: node-llama-cpp's installed GPU
// prebuilts and the CUDA runtime they were linked against, the GPU driver, the Vulkan loader and glvnd.
// node-llama-cpp falls back to the CPU without saying why; gpu-diagnosis.ts turns these facts into why.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface MachineGpuFacts {
  platform: NodeJS.Platform;
  arch: string;
  /** node-llama-cpp's GPU prebuilt packages installed beside it. */
  prebuilts: { cuda: boolean; vulkan: boolean };
  /** CUDA runtime major versions the installed CUDA prebuilt can use (its main build and its fallback). */
  cudaRuntimesNeeded: number[];
  /** CUDA runtime major versions installed (libcudart.so.N on the library path). */
  cudaRuntimesFound: number[];
  nvidiaDriver: boolean;
  /** A render node other than NVIDIA's (/dev/dri/renderD*): an AMD or Intel GPU Vulkan may use. */
  renderNode: boolean;
  vulkanLoader: boolean;
  /** NVIDIA's Vulkan driver needs glvnd's libGLX and libEGL to start. */
  glvnd: boolean;
}

/** The library directories the dynamic loader searches on Linux, as far as they can be read. */
export function librarySearchDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = (env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  dirs.push('/lib', '/lib64', '/usr/lib', '/usr/lib64', `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`,
    '/usr/local/cuda/lib64', '/usr/local/nvidia/lib64', '/usr/local/nvidia/lib');
  for (const file of safeList('/etc/ld.so.conf.d')) {
    for (const line of safeRead(join('/etc/ld.so.conf.d', file)).split('\n')) {
      const dir = line.trim();
      if (dir.startsWith('/')) dirs.push(dir);
    }
  }
  return [...new Set(dirs)];
}

export async function readMachineGpuFacts(env: NodeJS.ProcessEnv = process.env): Promise<MachineGpuFacts> {
  const platform = process.platform;
  const arch = process.arch;
  const dirs = platform === 'linux' ? librarySearchDirs(env) : [];
  const has = (name: string) => dirs.some((dir) => existsSync(join(dir, name)));
  const files = dirs.flatMap((dir) => safeList(dir));
  const cudaPrebuilt = prebuiltDir(`${platformName(platform)}-${arch}-cuda`);
  return {
    platform, arch,
    prebuilts: { cuda: cudaPrebuilt !== null, vulkan: prebuiltDir(`${platformName(platform)}-${arch}-vulkan`) !== null },
    cudaRuntimesNeeded: cudaPrebuilt ? await cudaRuntimesLinked(cudaPrebuilt) : [],
    cudaRuntimesFound: majors(files, /^libcudart\.so\.(\d+)$/),
    nvidiaDriver: existsSync('/proc/driver/nvidia/version') || has('libnvidia-ml.so.1') || has('libcuda.so.1'),
    renderNode: safeList('/dev/dri').some((name) => name.startsWith('renderD')),
    vulkanLoader: has('libvulkan.so.1'),
    glvnd: has('libGLX.so.0') && has('libEGL.so.1'),
  };
}

function platformName(platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'win' : platform === 'darwin' ? 'mac' : platform;
}

/** The folder of an installed @node-llama-cpp/<name> package (resolved from node-llama-cpp itself), or null. */
function prebuiltDir(name: string): string | null {
  try {
    const require = createRequire(createRequire(import.meta.url).resolve('node-llama-cpp'));
    // Its exports hide package.json: resolve the entry point, then walk up to the package's folder.
    let dir = dirname(require.resolve(`@node-llama-cpp/${name}`));
    while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
    return existsSync(join(dir, 'bins')) ? dir : null;
  } catch {
    return null;
  }
}

/**
 * The libcudart.so.N each CUDA binary of the prebuilt (and of its -ext fallback) needs. The names sit in
 * the ELF's dynamic string table near the file's start, so the first MiB is enough; the files are 150+ MB.
 */
async function cudaRuntimesLinked(packageDir: string): Promise<number[]> {
  const candidates = [packageDir, packageDir.replace(/-cuda$/, '-cuda-ext')]
    .flatMap((dir) => safeList(join(dir, 'bins')).flatMap((bin) => [join(dir, 'bins', bin, 'libggml-cuda.so'), join(dir, 'bins', bin, 'fallback', 'libggml-cuda.so')]))
    .filter((path) => existsSync(path));
  const found = new Set<number>();
  for (const path of candidates) {
    const handle = await open(path, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(1024 * 1024), 0, 1024 * 1024, 0);
      for (const match of buffer.subarray(0, bytesRead).toString('latin1').matchAll(/libcudart\.so\.(\d+)/g)) found.add(Number(match[1]));
    } finally {
      await handle.close();
    }
  }
  return [...found].sort((a, b) => b - a);
}

function majors(files: string[], pattern: RegExp): number[] {
  const found = new Set<number>();
  for (const file of files) {
    const match = pattern.exec(file);
    if (match) found.add(Number(match[1]));
  }
  return [...found].sort((a, b) => b - a);
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

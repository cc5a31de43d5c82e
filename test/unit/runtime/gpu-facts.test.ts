import assert from 'node:assert/strict';
import { readMachineGpuFacts } from '../../../daemon/src/runtime/gpu-facts.js';

describe('GPU facts of this machine', () => {
  it('finds node-llama-cpp\'s GPU prebuilts and the CUDA runtimes its CUDA build was linked against', async function () {
    if (`${process.platform}-${process.arch}` !== 'linux-x64') {
      console.warn('    (skipped: the CUDA and Vulkan prebuilts are checked on linux-x64, where npm installs them)');
      this.skip();
    }
    const facts = await readMachineGpuFacts();
    assert.deepEqual(facts.prebuilts, { cuda: true, vulkan: true }, 'npm ci installs both optional prebuilts on linux-x64');
    assert.ok(facts.cudaRuntimesNeeded.length > 0, 'libcudart.so.N read from the prebuilt\'s libggml-cuda.so');
    assert.ok(facts.cudaRuntimesNeeded.every((major) => Number.isInteger(major) && major >= 11), facts.cudaRuntimesNeeded.join(', '));
  });
});

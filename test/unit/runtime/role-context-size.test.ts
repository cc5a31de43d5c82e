import assert from 'node:assert/strict';
import { gpuLayersOption, parseContextSize, parseGpuLayers, memorySettings } from '../../../daemon/src/runtime/gpu-settings.js';
import { chooseRoleContextSize, DEFAULT_CONTEXT_SIZE, VRAM_HEADROOM, type RoleContextSizing } from '../../../daemon/src/runtime/role-context-size.js';

const MiB = 1024 * 1024;
// A KV cache that grows by 0.25 MiB a token, plus a fixed 64 MiB compute buffer: the shape llama.cpp's contexts have.
const vramFor = async (tokens: number) => 64 * MiB + tokens * 0.25 * MiB;
const sizing = (over: Partial<RoleContextSizing>): RoleContextSizing => ({ setting: 'auto', trainContextSize: 32768, roles: 2, freeVramBytes: null, vramFor, ...over });

describe('role context size by VRAM', () => {
  it('on the CPU keeps the default, capped by what the model was trained on', async () => {
    assert.deepEqual(await chooseRoleContextSize(sizing({})), { ok: true, contextSize: DEFAULT_CONTEXT_SIZE, limitedBy: 'setting' });
    assert.deepEqual(await chooseRoleContextSize(sizing({ trainContextSize: 2048 })), { ok: true, contextSize: 2048, limitedBy: 'model' });
  });

  it('keeps the asked size when both role contexts fit beside the model', async () => {
    const free = 2 * (await vramFor(8192)) / (1 - VRAM_HEADROOM) + MiB;
    assert.deepEqual(await chooseRoleContextSize(sizing({ setting: 8192, freeVramBytes: free })), { ok: true, contextSize: 8192, limitedBy: 'setting' });
  });

  it("'auto' lowers the context to the largest that fits both roles in the free VRAM", async () => {
    const free = 1500 * MiB; // budget 1350 MiB: 2 * (64 + 0.25 n) <= 1350 -> n <= 2444 -> 2304 in steps of 256
    const chosen = await chooseRoleContextSize(sizing({ freeVramBytes: free }));
    assert.deepEqual(chosen, { ok: true, contextSize: 2304, limitedBy: 'vram' });
    assert.ok(2 * (await vramFor(2304)) <= free * (1 - VRAM_HEADROOM));
    assert.ok(2 * (await vramFor(2304 + 256)) > free * (1 - VRAM_HEADROOM), 'the next step would not fit');
  });

  it('a size the user set that does not fit is an error naming the largest that does', async () => {
    const chosen = await chooseRoleContextSize(sizing({ setting: 8192, freeVramBytes: 1500 * MiB }));
    assert.equal(chosen.ok, false);
    assert.match((chosen as { message: string }).message, /2 role contexts of 8192 tokens need about 4224 MiB.*1500 MiB is free.*at most 2304/);
  });

  it('when not even the smallest context fits, says to offload fewer layers', async () => {
    const chosen = await chooseRoleContextSize(sizing({ freeVramBytes: 300 * MiB }));
    assert.equal(chosen.ok, false);
    assert.match((chosen as { message: string }).message, /gpuLayers/);
  });
});

describe('GPU memory settings', () => {
  it('accepts auto, max and whole numbers of layers; 0 is the CPU', () => {
    assert.equal(parseGpuLayers('auto', 'x'), 'auto');
    assert.equal(parseGpuLayers('max', 'x'), 'max');
    assert.equal(parseGpuLayers('0', 'x'), 0);
    assert.equal(parseGpuLayers(20, 'x'), 20);
    assert.throws(() => parseGpuLayers('-1', 'TANDEM_GPU_LAYERS'), /TANDEM_GPU_LAYERS: gpuLayers must be/);
    assert.throws(() => parseGpuLayers('all', 'config.json'), /"all"/);
  });

  it('refuses a context too small to work in', () => {
    assert.equal(parseContextSize('8192', 'x'), 8192);
    assert.throws(() => parseContextSize(512, 'config.json'), /at least 1024/);
  });

  it("'auto' layers leave room for every role's context; explicit layer counts pass through", () => {
    assert.deepEqual(gpuLayersOption('auto', 'auto', 2), { fitContext: { contextSize: 2 * DEFAULT_CONTEXT_SIZE } });
    assert.deepEqual(gpuLayersOption('auto', 2048, 2), { fitContext: { contextSize: 4096 } });
    assert.equal(gpuLayersOption('max', 2048, 2), 'max');
    assert.equal(gpuLayersOption(0, 'auto', 2), 0);
  });

  it('the environment wins over config.json, and unset is auto', () => {
    assert.deepEqual(memorySettings({ gpuLayers: 10, contextSize: 2048 }, {}), { gpuLayers: 10, contextSize: 2048 });
    assert.deepEqual(memorySettings({ gpuLayers: 10 }, { TANDEM_GPU_LAYERS: 'max', TANDEM_CONTEXT_SIZE: '3072' }), { gpuLayers: 'max', contextSize: 3072 });
    assert.deepEqual(memorySettings({}, {}), { gpuLayers: 'auto', contextSize: 'auto' });
  });
});

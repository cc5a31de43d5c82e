// Warm start and the GPU report on the real runtime (node-llama-cpp, the tiny fixture model). On a CI
// machine with no GPU this covers the CPU paths; the GPU decisions are unit-tested in test/unit/runtime/.
import assert from 'node:assert/strict';
import { ROLES } from '../../daemon/src/protocol/types.js';
import type { DoctorReport } from '../../daemon/src/runtime/doctor.js';
import type { ModelRuntime } from '../../daemon/src/runtime/model-runtime.js';
import { warmUpLabel } from '../../daemon/src/runtime/warm-up.js';
import { CLI_ENTRY, makeTandemHome, spawnEntry } from '../fixtures/daemon/spawn-daemon.js';
import { ACTION_SCHEMA, makeRuntimeFixture, PROMPT, type RuntimeFixture } from './helpers/runtime-fixture.js';

describe('runtime: warm start and GPU report (tiny fixture)', () => {
  let fixture: RuntimeFixture;
  let runtime: ModelRuntime;

  before(async () => {
    fixture = await makeRuntimeFixture(7);
    runtime = await fixture.load({ orchestrator: fixture.adapter('orchestrator'), worker: fixture.adapter('worker') });
  });
  after(async () => fixture?.close());

  it('warms each loaded role once in the background; a task arriving meanwhile waits for it, then runs', async () => {
    assert.equal(runtime.warmUpStatus, null, 'nothing before it is asked for');
    const before = runtime.status().tokensEvaluated;
    const order: string[] = [];
    const warming = runtime.warmUp().then((status) => { order.push('warm-up'); return status; });
    assert.deepEqual(runtime.warmUpStatus, { state: 'preparing', label: warmUpLabel(runtime.status().backend), ms: null, error: null });
    const task = runtime.generate({ role: 'orchestrator', messages: PROMPT, schema: ACTION_SCHEMA, maxTokens: 8 }).then((result) => { order.push('task'); return result; });
    const [warm, result] = await Promise.all([warming, task]);

    assert.equal(warm.state, 'ready');
    assert.ok(warm.ms !== null && warm.ms >= 0);
    assert.deepEqual(order, ['warm-up', 'task'], 'the task waited behind the warm-up');
    assert.ok(result.tokensOut > 0);
    const after = runtime.status().tokensEvaluated;
    for (const role of ['orchestrator', 'worker'] as const) assert.ok(after[role] > before[role], `the ${role} context evaluated the warm-up prompt`);
    assert.equal(after.critic ?? 0, before.critic ?? 0, 'the on-demand critic is not opened just to be warmed');

    const again = await runtime.warmUp();
    assert.deepEqual(again, warm, 'a second call returns the first outcome');
    assert.equal(runtime.status().tokensEvaluated.worker, after.worker, 'and generates nothing more');
  });

  it('reports where the model runs and, on the CPU, why no GPU is used', async () => {
    const gpu = await runtime.gpuStatus();
    assert.equal(gpu.backend, runtime.status().backend);
    assert.equal(gpu.layersTotal, 3, 'the fixture\'s 2 blocks and its output layer');
    if (gpu.backend === 'cpu') {
      assert.deepEqual([gpu.devices, gpu.vram, gpu.layersOffloaded], [[], null, 0]);
      assert.ok(gpu.notUsed, 'the CPU backend always says why');
      assert.ok(gpu.notUsed.message.length > 0);
    } else {
      // A developer's GPU machine: either the GPU holds layers, or the report says why it does not.
      assert.ok(gpu.vram === null || gpu.vram.totalMb > 0);
      assert.equal(gpu.notUsed === null, gpu.devices.length > 0 && gpu.layersOffloaded > 0);
    }
  });

  it('tandem doctor --json reports the GPU, the warm-up and the probes; TANDEM_GPU_LAYERS=0 keeps the model on the CPU', async () => {
    const home = makeTandemHome();
    try {
      const doctor = spawnEntry(CLI_ENTRY, ['doctor', '--json'], { ...home.env, TANDEM_GPU_LAYERS: '0' });
      assert.equal(await doctor.exited, 0, doctor.output());
      const report = JSON.parse(doctor.output().trim().split('\n').at(-1)!) as DoctorReport;
      assert.equal(report.ok, true);
      assert.equal(report.gpu?.layersOffloaded, 0);
      assert.equal(report.gpu?.notUsed?.reason, 'disabled', 'the setting reached the runtime, and the report says it was asked for');
      assert.equal(report.warmup?.state, 'ready');
      assert.deepEqual(report.generations.map((g) => g.role), [...ROLES]);
    } finally {
      home.remove();
    }
  });
});

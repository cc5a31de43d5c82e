// `tandem eval` and the promotion gate on a store whose held-out approved actions are the interop
// adapter's training target: the imported PEFT adapter scores above the bare base model, an adapter
// with its B matrices negated below it, and promotion refuses the bad one unless forced (and records that).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatTurn } from '../../daemon/src/agents/ports.js';
import type { AdapterEvaluation, EvaluateResult, PromoteResult } from '../../daemon/src/protocol/adapter-evaluation.js';
import type { AdapterInfo, AgentAction } from '../../daemon/src/protocol/types.js';
import { GgmlType } from '../../daemon/src/runtime/gguf-format.js';
import { readGgufFile } from '../../daemon/src/runtime/gguf-reader.js';
import { gguf, writeGgufFile } from '../../daemon/src/runtime/gguf-writer.js';
import { AdapterService } from '../../daemon/src/services/adapter-service.js';
import { heldOutExamples } from '../../daemon/src/store/export/held-out-examples.js';
import { EvaluationRecords } from '../../daemon/src/services/evaluation-records.js';
import { splitOf } from '../../daemon/src/store/export/split.js';
import { TrajectoryStoreBuilder } from '../support/trajectory-store-builder.js';
import { interopFile, readExpected } from './helpers/llama-tiny.js';
import { buildOnce, makeTandemHome, type TandemHome } from './support/tandem-cli.js';

// The interop adapter's training target is not one of Tandem's worker actions; the store holds it as any other text.
const TARGET = { tool: 'finish', args: { summary: 'done' } } as unknown as AgentAction;
const WRONG: AgentAction = { tool: 'read_file', args: { path: 'src/index.ts' } };

/** Task ids on the held-out side of the default split (0.9), found by their hash: no seed involved. */
function heldOutTaskIds(count: number): string[] {
  const ids: string[] = [];
  for (let i = 0; ids.length < count; i++) if (splitOf(`eval-${i}`, 0.9) === 'validation') ids.push(`eval-${i}`);
  return ids;
}

/** Each held-out task: a worker subtask whose first version (WRONG) was rejected and second (TARGET) approved. */
function recordStore(dbPath: string, tasks: string[]): void {
  const prompts = readExpected().prompts;
  const b = TrajectoryStoreBuilder.create(dbPath);
  const repoId = b.repo('/srv/repos/app');
  tasks.forEach((taskId, i) => {
    const messages = prompts[i % prompts.length]!.messages as ChatTurn[];
    b.task({ id: taskId, repoId, prompt: messages.at(-1)!.content });
    const subtaskId = b.subtask({ id: `${taskId}-s1`, taskId, round: 0, seq: 0, instruction: 'rename', files: ['src/index.ts'] });
    for (const [action, verdict] of [[WRONG, 'reject'], [TARGET, 'approve']] as const) {
      const version = b.conversation({ taskId, subtaskId, round: 0, role: 'worker', turns: messages });
      const stepId = version.step(action);
      const diffId = b.diff({ taskId, subtaskId, stepId, round: 0, unified: `diff ${taskId} ${verdict}\n`, paths: ['src/index.ts'] });
      b.review({ taskId, diffId, path: 'src/index.ts', verdict, ...(verdict === 'reject' ? { reason: 'Not that.' } : {}) });
    }
  });
  b.db.pragma('user_version = 1'); // the builder writes schema version 1; the CLI's store migrates it on open
  b.close();
}

/** The imported adapter with every lora_b negated: it pushes the model away from what it learned. */
async function writeNegated(from: string, to: string): Promise<void> {
  const file = await readGgufFile(from);
  const data = readFileSync(from);
  await writeGgufFile(to, {
    metadata: [
      ['general.architecture', gguf.str('llama')], ['general.type', gguf.str('adapter')],
      ['adapter.type', gguf.str('lora')], ['adapter.lora.alpha', gguf.f32(Number(file.metadata.get('adapter.lora.alpha')))],
    ],
    tensors: file.tensors.map((t) => ({
      name: t.name, shape: t.shape, type: GgmlType.F32,
      data: () => {
        const start = file.dataOffset + t.offset;
        const values = new Float32Array(data.buffer.slice(data.byteOffset + start, data.byteOffset + start + t.shape[0]! * t.shape[1]! * 4));
        if (t.name.endsWith('.lora_b')) for (let i = 0; i < values.length; i++) values[i] = -values[i]!;
        return new Uint8Array(values.buffer);
      },
    })),
  });
}

describe('tandem eval and adapters promote (llama-tiny, real llama.cpp, real SQLite)', () => {
  let home: TandemHome;
  let good: AdapterInfo;
  let bad: AdapterInfo;
  const tasks = heldOutTaskIds(6);

  before(async () => {
    buildOnce();
    home = makeTandemHome();
    home.env.TANDEM_MODEL = interopFile('base.gguf');
    recordStore(home.paths.database, tasks);
    const imported = await home.tandemJson<AdapterInfo>('adapters', 'import', interopFile('peft-adapter'), '--role', 'worker');
    assert.equal(imported.code, 0, imported.stderr);
    good = imported.json;
    const negated = join(home.home, 'negated.gguf');
    await writeNegated(good.path, negated);
    const service = new AdapterService(home.paths, home.env);
    const added = await service.registry.add('worker', negated, { activate: false });
    assert.ok(added.ok);
    bad = added.value;
  });
  after(() => home?.remove());

  it('builds its examples from the held-out tasks only: one approved action and one pair per task', () => {
    const examples = heldOutExamples(home.paths.database, { role: 'worker' });
    assert.equal(examples.actions.length, tasks.length);
    assert.deepEqual(new Set(examples.actions.map((a) => a.taskId)), new Set(tasks));
    assert.ok(examples.actions.every((a) => a.output === JSON.stringify(TARGET)), 'the action as generated');
    assert.equal(examples.pairs.length, tasks.length);
    assert.equal(heldOutExamples(home.paths.database, { role: 'worker', side: 'train' }).actions.length, 0);
  });

  let goodResult: EvaluateResult;
  it('ranks the imported adapter above the bare base model', async () => {
    const run = await home.tandemJson<EvaluateResult>('eval', '--role', 'worker', '--adapter', '1', '--against', 'base');
    assert.equal(run.code, 0, run.stderr);
    goodResult = run.json;
    const { candidate, against, decision } = goodResult;
    assert.equal(candidate.nllExamples, tasks.length);
    assert.equal(candidate.nllTokens, against.nllTokens);
    assert.ok(candidate.nllPerToken! < against.nllPerToken!, `${candidate.nllPerToken} < ${against.nllPerToken}`);
    assert.equal(candidate.preferencePairs, tasks.length);
    assert.equal(candidate.preferenceAccuracy, 1);
    assert.equal(decision.allowed, true, decision.reason);
  });

  it('ranks the negated adapter below the base model, and the gate says no', async () => {
    const run = await home.tandemJson<EvaluateResult>('eval', '--role', 'worker', '--adapter', String(bad.version), '--against', 'base');
    assert.equal(run.code, 0, run.stderr);
    const { candidate, against, decision } = run.json;
    assert.ok(candidate.nllPerToken! > against.nllPerToken!, `${candidate.nllPerToken} > ${against.nllPerToken}`);
    assert.equal(against.nllPerToken, goodResult.against.nllPerToken, 'the base model scores the same held-out examples the same');
    assert.equal(decision.allowed, false);
    assert.match(decision.reason, /worse than the base model/);
  });

  it('promotion refuses the bad adapter, takes the good one, then refuses a switch back to the bad one', async () => {
    const refused = await home.tandem('adapters', 'promote', '--role', 'worker', String(bad.version));
    assert.equal(refused.code, 1);
    assert.match(refused.stderr + refused.stdout, /was not promoted: .*worse than the base model/);
    const promoted = await home.tandemJson<PromoteResult>('adapters', 'promote', '--role', 'worker', '1');
    assert.equal(promoted.code, 0, promoted.stderr);
    assert.equal(promoted.json.forced, false);
    const listed = await home.tandemJson<AdapterInfo[]>('adapters', 'list', '--role', 'worker');
    assert.deepEqual(listed.json.filter((a) => a.active).map((a) => a.version), [1]);
    const shown = listed.json as (AdapterInfo & { evaluation?: AdapterEvaluation })[];
    assert.equal(shown.find((a) => a.version === 1)!.evaluation!.nllPerToken, goodResult.candidate.nllPerToken, 'adapters list shows the evaluation');
    const stats = await home.tandemJson<{ evaluations: AdapterEvaluation[] }>('stats');
    assert.ok(stats.json.evaluations.some((e) => e.version === bad.version), 'stats shows the evaluations');
    const switched = await home.tandem('adapters', 'use', '--role', 'worker', String(bad.version));
    assert.equal(switched.code, 1);
    assert.match(switched.stderr + switched.stdout, /not switched in: .*worse than v1/);
  });

  it('--force promotes past the gate, and the record says it was forced', async () => {
    const forced = await home.tandemJson<PromoteResult>('adapters', 'promote', '--role', 'worker', String(bad.version), '--force');
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(forced.json.forced, true);
    const records = JSON.parse(readFileSync(join(home.paths.adapters, 'evaluations.json'), 'utf8')) as { promotions: { version: number; forced: boolean }[]; evaluations: AdapterEvaluation[] };
    assert.deepEqual(records.promotions.map((p) => [p.version, p.forced]), [[1, false], [bad.version, true]]);
  });

  it('too few held-out examples: says so and asks for --force', async () => {
    home.env.TANDEM_EVAL_MIN_EXAMPLES = String(tasks.length + 1);
    try {
      const run = await home.tandem('adapters', 'promote', '--role', 'worker', '1');
      assert.equal(run.code, 1);
      assert.match(run.stderr + run.stdout, /only 6 held-out approved action\(s\) to judge by \(at least 7 needed\).*--force/);
    } finally {
      delete home.env.TANDEM_EVAL_MIN_EXAMPLES;
    }
  });

  it('reuses the split a version was evaluated with (train --run\'s) when eval or promote gets none', async () => {
    // 0.95 holds out a smaller set of tasks than the default 0.9 (a task's side is a hash of its id).
    const heldOutAt95 = tasks.filter((id) => splitOf(id, 0.95) === 'validation').length;
    assert.ok(heldOutAt95 < tasks.length && heldOutAt95 > 0, 'the case needs a split that holds out fewer tasks');
    // As train --run leaves it: v1's newest evaluation was on the split it trained with.
    new EvaluationRecords(home.paths.adapters).saveEvaluation({ ...goodResult.candidate, split: 0.95, heldOut: 'as-trained', evaluatedAt: new Date().toISOString() });
    const run = await home.tandemJson<EvaluateResult>('eval', '--role', 'worker', '--adapter', '1', '--against', 'base');
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual([run.json.split, run.json.candidate.split, run.json.candidate.nllExamples, run.json.splitNote], [0.95, 0.95, heldOutAt95, null], 'no --split: the recorded 0.95');
  });
});

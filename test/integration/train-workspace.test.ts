// `tandem train` without --run, on llama-tiny (../shared/interop/llama-tiny): tasks recorded through the
// real agent loop into a real store, a scripted reviewer, then the CLI bundle writes the workspace.
// Checks that the data is the runtime's own text (ChatML by the GGUF's template, ids by its tokenizer),
// loss only on the role's approved answers, the split by task, and the errors that write nothing.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExportOptions } from '../../daemon/src/protocol/types.js';
import { exportDataset } from '../../daemon/src/store/export/export-dataset.js';
import { splitOf } from '../../daemon/src/store/export/split.js';
import { readExportRecords, UnusableExport } from '../../daemon/src/training/export-records.js';
import type { ResponseError } from 'vscode-jsonrpc';
import { connectToDaemon } from '../../daemon/src/cli/daemon-client.js';
import type { DaemonClient } from '../../daemon/src/client/daemon-client.js';
import { ErrorCodes } from '../../daemon/src/protocol/errors.js';
import { AdaptersList, Status } from '../../daemon/src/protocol/messages.js';
import { TrainingRun, type TrainingRunParams } from '../../daemon/src/protocol/training.js';
import type { ProgressEvent } from '../../daemon/src/protocol/types.js';
import { ModelRuntime } from '../../daemon/src/runtime/model-runtime.js';
import { interopFile } from './helpers/llama-tiny.js';
import { APPROVED_TEXT, recordFlywheelTasks, TASK_PROMPTS } from './support/flywheel-tasks.js';
import { buildOnce, makeTandemHome, startRealDaemon, type DaemonChild, type TandemHome } from './support/tandem-cli.js';

const BASE_GGUF = interopFile('base.gguf');
const BASE_HF = interopFile('hf');
const IM_END = 513;
const BOS = 1;

type Row = Record<string, unknown> & { task_id: string; prompt: string; completion: string; prompt_ids: number[]; completion_ids: number[] };
const readRows = (dir: string, split: string): Row[] =>
  readFileSync(join(dir, 'data', `${split}.jsonl`), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Row);

describe('tandem train: the training workspace (llama-tiny)', function () {
  let home: TandemHome;

  before(async function () {
    buildOnce();
    home = makeTandemHome();
    const loaded = await ModelRuntime.load({ modelPath: BASE_GGUF, contextSize: 2048, adapters: {} });
    if (!loaded.ok) throw new Error(loaded.error.message);
    try {
      await recordFlywheelTasks(home.home, loaded.value, TASK_PROMPTS.slice(0, 8));
    } finally {
      await loaded.value.dispose();
    }
  });
  after(() => home?.remove());

  const tandemTrain = (...args: string[]) => home.tandem('train', '--base', BASE_HF, '--gguf', BASE_GGUF, ...args);

  it('writes SFT data as the runtime renders it: approved orchestrator answers only, split by task', async () => {
    const out = join(home.home, 'ws-sft');
    const run = await tandemTrain('--role', 'orchestrator', '--out', out, '--split', '0.75');
    assert.equal(run.code, 0, run.stderr);
    for (const file of ['train.py', 'config.json', 'requirements.txt', 'README.md']) assert.ok(existsSync(join(out, file)), file);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    assert.deepEqual(config.lora.target_modules, ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj']);
    assert.deepEqual([config.gguf.vocab_size, config.gguf.hidden_size, config.gguf.layers], [514, 64, 2]);
    assert.match(readFileSync(join(out, 'requirements.txt'), 'utf8'), /^trl==1\.13\.0$/m);

    const trainRows = readRows(out, 'train');
    const validation = readRows(out, 'validation');
    // 8 tasks, each with one approved round of 3 orchestrator steps (delegate, accept, finish).
    assert.equal(trainRows.length + validation.length, 24);
    // The side of each task is the exporter's hash of its id.
    for (const row of trainRows) assert.equal(splitOf(row.task_id, 0.75), 'train');
    for (const row of validation) assert.equal(splitOf(row.task_id, 0.75), 'validation');
    const trainTasks = new Set(trainRows.map((r) => r.task_id));
    assert.ok(validation.every((r) => !trainTasks.has(r.task_id)), 'no task is on both sides');

    const delegates = [...trainRows, ...validation].filter((r) => r.completion.startsWith('{"tool":"delegate"'));
    assert.equal(delegates.length, 8);
    for (const row of [...trainRows, ...validation]) {
      // The prompt is llama-tiny's ChatML with the model turn opened; the answer ends the turn.
      assert.equal(row.prompt_ids[0], BOS);
      assert.ok(row.prompt.startsWith('<s><|im_start|>system\n'), row.prompt.slice(0, 40));
      assert.ok(row.prompt.endsWith('<|im_start|>assistant\n'));
      assert.equal(row.completion_ids.at(-1), IM_END);
      assert.ok(row.completion.endsWith('<|im_end|>'));
      assert.doesNotMatch(row.completion, /TODO\.md/, 'a rejected answer is not an SFT target');
    }
    for (const row of delegates) assert.equal(row.completion, `${APPROVED_TEXT}<|im_end|>`);
    // The task's own words reach the model as the user turn.
    assert.ok(delegates.some((r) => r.prompt.includes(`${TASK_PROMPTS[0]}`)));
  });

  it('writes DPO pairs: the rejected first round against the approved one, on the approved prompt', async () => {
    const out = join(home.home, 'ws-dpo');
    const run = await tandemTrain('--role', 'orchestrator', '--method', 'dpo', '--out', out, '--split', '1');
    assert.equal(run.code, 0, run.stderr);
    const rows = readRows(out, 'train') as (Row & { chosen: string; rejected: string; chosen_ids: number[]; rejected_ids: number[] })[];
    assert.equal(rows.length, 4, 'the 4 tasks rejected once give one pair each');
    for (const row of rows) {
      assert.equal(row.chosen, `${APPROVED_TEXT}<|im_end|>`);
      assert.match(row.rejected, /TODO\.md/);
      assert.notDeepEqual(row.chosen_ids, row.rejected_ids);
    }
  });

  it('--from-export: the same workspace data from a tandem-steps export folder, split as exported', async () => {
    const exportDir = join(home.home, 'export-steps');
    await exportDataset(home.paths.database, { format: 'tandem-steps', role: 'all', split: 0.75, out: join(exportDir, 'steps.jsonl') });
    const out = join(home.home, 'ws-from-export');
    // No --split: the export's own (0.75) is used, so eval later holds out the same tasks.
    const run = await tandemTrain('--role', 'orchestrator', '--from-export', exportDir, '--out', out);
    assert.equal(run.code, 0, run.stderr);
    // The first test wrote ws-sft from the store with --split 0.75: the export gives the very same rows.
    for (const split of ['train', 'validation']) {
      assert.equal(readFileSync(join(out, 'data', `${split}.jsonl`), 'utf8'), readFileSync(join(home.home, 'ws-sft', 'data', `${split}.jsonl`), 'utf8'), split);
    }
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    assert.equal(config.data.trainFraction, 0.75);
    assert.equal(config.data.fromExport, exportDir);
  });

  it('--from-export refuses what it cannot train on, naming the fix, and writes nothing', async () => {
    const exportTo = async (name: string, options: Omit<ExportOptions, 'out'>) => {
      const dir = join(home.home, name);
      await exportDataset(home.paths.database, { ...options, out: join(dir, 'data.jsonl') });
      return dir;
    };
    const refusal = (dir: string, split?: number, role: 'orchestrator' | 'worker' = 'orchestrator') => {
      try {
        readExportRecords(dir, role, split);
      } catch (error) {
        if (error instanceof UnusableExport) return error.message;
        throw error;
      }
      return assert.fail(`${dir} was accepted`);
    };
    const make = /Make it with: tandem export --format tandem-steps --role orchestrator --split 0\.8 --out /;
    const sft = await exportTo('export-sft', { format: 'trl-sft', role: 'orchestrator' });
    assert.match(refusal(sft), /holds a trl-sft export; training needs the runtime's own text \(format tandem-steps\), which it lacks/);
    assert.match(refusal(sft), make);
    const worker = await exportTo('export-worker', { format: 'tandem-steps', role: 'worker', split: 0.75 });
    assert.match(refusal(worker), /is an export of the worker, not the orchestrator: train --role worker, or export the orchestrator/);
    assert.match(refusal(worker, 0.5, 'worker'), /was split at 0\.75 when it was exported; drop --split/);
    const bare = join(home.home, 'not-an-export');
    mkdirSync(bare);
    assert.match(refusal(bare), /has no manifest\.json, so it is not a tandem export folder\. Make one with: tandem export --format tandem-steps/);

    // A manifest from a newer Tandem, a file changed after export, an export with nothing of the role.
    const steps = await exportTo('export-orchestrator', { format: 'tandem-steps', role: 'orchestrator' });
    const manifestPath = join(steps, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    assert.equal(manifest.version, 1);
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, version: 99 }));
    assert.match(refusal(steps), /written by a newer Tandem \(manifest version 99; this one reads up to 1\)/);
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, files: [] }));
    assert.match(refusal(steps), /holds no orchestrator steps \(0 records in all\); record and review some tasks/);
    writeFileSync(manifestPath, JSON.stringify(manifest));
    // Every orchestrator step, whatever its label: 24 approved and the 4 rejected rounds' 12.
    assert.equal(readExportRecords(steps, 'orchestrator', undefined).records.length, 36);
    writeFileSync(join(steps, 'data.jsonl'), readFileSync(join(steps, 'data.jsonl'), 'utf8').replace('approved', 'rejected'));
    assert.match(refusal(steps), /changed since it was exported/);

    // Through the CLI: a usage error (exit 2), and no workspace.
    const out = join(home.home, 'ws-refused');
    const run = await tandemTrain('--role', 'orchestrator', '--from-export', sft, '--out', out);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /holds a trl-sft export/);
    assert.ok(!existsSync(out), 'nothing written');
  });

  it('refuses clearly and writes nothing: empty store, wrong base, no usable Python', async () => {
    const empty = makeTandemHome();
    try {
      const out = join(empty.home, 'ws');
      const run = await empty.tandem('train', '--role', 'worker', '--base', BASE_HF, '--gguf', BASE_GGUF, '--out', out);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /No Tandem store|has no approved steps/);
      assert.ok(!existsSync(out));
    } finally {
      empty.remove();
    }

    const wrongBase = join(home.home, 'wrong-hf');
    mkdirSync(wrongBase);
    writeFileSync(join(wrongBase, 'config.json'), JSON.stringify({ vocab_size: 514, hidden_size: 32, num_hidden_layers: 2 }));
    const out = join(home.home, 'ws-wrong');
    let run = await home.tandem('train', '--role', 'orchestrator', '--base', wrongBase, '--gguf', BASE_GGUF, '--out', out);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /does not match the GGUF \(hidden_size: Hugging Face 32, GGUF 64\)/);
    assert.ok(!existsSync(out));

    run = await tandemTrain('--role', 'orchestrator', '--out', out, '--run', '--python', join(home.home, 'no-such-python'));
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Cannot run Python .*no-such-python.*nothing was written/s);
    assert.ok(!existsSync(out));

    const noTraining = join(home.home, 'bare-python');
    // A Python without its site-packages: no torch, no TRL.
    writeFileSync(noTraining, '#!/bin/sh\nexec python3 -S "$@"\n', { mode: 0o755 });
    run = await tandemTrain('--role', 'orchestrator', '--out', out, '--run', '--python', noTraining);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /lacks the training packages: torch/);
    assert.ok(!existsSync(out));
  });

  describe('tandem/training/run through a real daemon', function () {
    let daemon: DaemonChild | null = null;
    let client: DaemonClient;
    before(async function () {
      home.env.TANDEM_MODEL = BASE_GGUF; // the daemon's base, which the training child uses too
      daemon = await startRealDaemon(home);
      const connected = await connectToDaemon({ paths: home.paths });
      assert.ok(connected, 'connected to the daemon');
      client = connected;
    });
    after(async () => {
      client?.close();
      if (daemon) {
        daemon.child.kill('SIGTERM');
        await daemon.exited;
      }
      delete home.env.TANDEM_MODEL;
    });

    const refusedWith = async (params: unknown, code: number, pattern: RegExp) => {
      const error = await client.request(TrainingRun, params as TrainingRunParams).then(() => assert.fail('accepted'), (e: ResponseError<unknown>) => e);
      assert.equal(error.code, code, error.message);
      assert.match(error.message, pattern);
    };
    const orchestratorVersions = async () => (await client.request(AdaptersList, { role: 'orchestrator' })).map((a) => a.version);

    it('checks its params, and answers the CLI\'s refusals as errors a user can act on', async () => {
      await refusedWith({ role: 'nobody', base: BASE_HF }, -32602, /"role" must be one of orchestrator, worker, critic/);
      await refusedWith({ role: 'worker', base: BASE_HF, method: 'ppo' }, -32602, /"method" must be one of sft, dpo, kto/);
      const wrongBase = join(home.home, 'wrong-hf-daemon');
      mkdirSync(wrongBase);
      writeFileSync(join(wrongBase, 'config.json'), JSON.stringify({ vocab_size: 514, hidden_size: 32, num_hidden_layers: 2 }));
      await refusedWith({ role: 'orchestrator', base: wrongBase }, -32602, /does not match the GGUF \(hidden_size: Hugging Face 32, GGUF 64\)/);
      const empty = join(home.home, 'export-empty-daemon');
      await exportDataset(home.paths.database, { format: 'tandem-steps', role: 'worker', out: join(empty, 'data.jsonl') });
      await refusedWith({ role: 'orchestrator', base: BASE_HF, fromExport: empty }, -32602, /is an export of the worker, not the orchestrator/);
      assert.deepEqual(await orchestratorVersions(), [], 'nothing registered');
    });

    it('streams training progress (step, total, loss), and a cancel stops the run before anything is imported', async function () {
      const python = process.env.TANDEM_PYTHON;
      if (!python) {
        if (process.env.CI) throw new Error('CI must provide the training Python: .ci/run exports TANDEM_PYTHON.');
        console.warn('\n  !!! SKIPPED: training through the daemon needs the training Python (TANDEM_PYTHON; see tandem train --setup).\n');
        return this.skip();
      }
      const events: ProgressEvent[] = [];
      const abort = new AbortController();
      const stop = client.onProgress((event) => {
        events.push(event);
        if (event.id === 'train' && event.done >= 1) abort.abort(); // cancel once training really runs
      });
      try {
        const error = await client.request(TrainingRun, { role: 'orchestrator', base: BASE_HF, steps: 500, split: 0.75 }, abort.signal)
          .then(() => assert.fail('a cancelled run finished'), (e: ResponseError<unknown>) => e);
        assert.equal(error.code, ErrorCodes.Cancelled, error.message);
        assert.match(error.message, /Training was cancelled; nothing was imported/);
      } finally {
        stop();
      }
      assert.ok(events.some((e) => e.id === 'workspace' && e.finished), 'the workspace is announced');
      const steps = events.filter((e) => e.id === 'train' && e.done >= 1);
      assert.ok(steps.length >= 1, JSON.stringify(events));
      assert.equal(steps[0]!.total, 500);
      assert.equal(typeof steps[0]!.loss, 'number');
      assert.ok(!events.some((e) => e.id === 'import'), 'cancelled before the import');
      assert.deepEqual(await orchestratorVersions(), [], 'nothing registered');
      // The daemon kept answering, and no train.py is left behind in its process group.
      assert.equal((await client.request(Status)).pid, daemon!.pid);
    });
  });
});

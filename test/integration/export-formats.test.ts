// `exportDataset` against a real SQLite store: every format's records validate against a JSON schema
// written from that format's documentation, and the cleaning, filters, split and manifest hold.
import assert from 'node:assert/strict';
import { Ajv, type ValidateFunction } from 'ajv';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPORT_FORMATS, type ExportFormat, type ExportOptions } from '../../daemon/src/protocol/types.js';
import { exportDataset, type DatasetManifest } from '../../daemon/src/store/export/export-dataset.js';
import { ExportInputError } from '../../daemon/src/store/export/export-options.js';
import { toolDefinitions } from '../../daemon/src/store/export/tool-definitions.js';
import { openaiDpoSchema, openaiSftSchema } from '../support/dataset-schemas/openai.js';
import { sharegptSchema } from '../support/dataset-schemas/sharegpt.js';
import { tandemStepsSchema } from '../support/dataset-schemas/tandem.js';
import { trlDpoSchema, trlGrpoSchema, trlKtoSchema, trlSftSchema } from '../support/dataset-schemas/trl.js';
import { buildCorpus, DAY, PLANTED_SECRETS, REPO_LIB, START, type CorpusTask } from '../support/export-corpus.js';

// Records are checked field by field against shapes the schemas already validated.
type Json = Record<string, any>;

const ajv = new Ajv({ allErrors: true, strict: false });
const schemas: Record<ExportFormat, ValidateFunction> = {
  'openai-sft': ajv.compile(openaiSftSchema),
  'trl-sft': ajv.compile(trlSftSchema),
  sharegpt: ajv.compile(sharegptSchema),
  'trl-dpo': ajv.compile(trlDpoSchema),
  'openai-dpo': ajv.compile(openaiDpoSchema),
  'trl-kto': ajv.compile(trlKtoSchema),
  'trl-grpo': ajv.compile(trlGrpoSchema),
  'tandem-steps': ajv.compile(tandemStepsSchema),
};

function readRecords(dir: string, manifest: DatasetManifest): { split: string; record: Json }[] {
  return manifest.files.flatMap((file) => {
    const text = readFileSync(join(dir, file.path), 'utf8');
    assert.equal(createHash('sha256').update(text).digest('hex'), file.sha256, `sha256 of ${file.path}`);
    const lines = text.split('\n').filter(Boolean);
    assert.equal(lines.length, file.records, `record count of ${file.path}`);
    const split = file.path.includes('.validation.') ? 'validation' : file.path.includes('.train.') ? 'train' : 'all';
    return lines.map((line) => ({ split, record: JSON.parse(line) as Json }));
  });
}

describe('tandem export: formats and cleaning', function () {
  let dir: string;
  let db: string;
  let tasks: CorpusTask[];
  const run = (options: Omit<ExportOptions, 'out'> & { out?: string }) =>
    exportDataset(db, { out: join(dir, 'out', `${options.format}-${options.role}.jsonl`), ...options });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tandem-export-'));
    db = join(dir, 'tandem.db');
    tasks = buildCorpus(db);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  // trl-grpo needs groups of attempts, which this corpus has none of: agents-attempts.test.ts exports them.
  for (const format of EXPORT_FORMATS.filter((f) => f !== 'trl-grpo')) {
    it(`${format}: every record validates against the format's schema and carries provenance`, async () => {
      const manifest = await run({ format, role: 'all', split: 0.7 });
      const records = readRecords(join(dir, 'out'), manifest);
      assert.ok(records.length >= 4, `only ${records.length} ${format} records`);
      for (const { record } of records) {
        const valid = schemas[format](record);
        assert.ok(valid, `${format} record invalid: ${ajv.errorsText(schemas[format].errors)}\n${JSON.stringify(record).slice(0, 400)}`);
        checkStructure(format, record);
        const meta = record.metadata;
        assert.ok(tasks.some((t) => t.id === meta.task_id));
        assert.equal(meta.base_model_sha, 'b'.repeat(64));
        assert.equal(meta.adapter_version, 1);
        assert.equal(meta.repo.base_commit, 'c'.repeat(40));
      }
      const total = Object.values(manifest.counts).reduce((a, b) => a + b, 0);
      assert.equal(total, records.length, 'manifest counts add up to the records written');
      assert.deepEqual(manifest.filters, { format, role: 'all', minSignal: 'approved', split: 0.7 });
    });
  }

  it('splits by task: no task in both train and validation', async () => {
    const manifest = await run({ format: 'openai-sft', role: 'all', split: 0.7 });
    const records = readRecords(join(dir, 'out'), manifest);
    const sides = new Map<string, Set<string>>();
    for (const { split, record } of records) {
      const seen = sides.get(record.metadata.task_id) ?? new Set<string>();
      seen.add(split);
      sides.set(record.metadata.task_id, seen);
    }
    assert.ok([...sides.values()].every((s) => s.size === 1), 'a task appears in both splits');
    const bySplit = (name: string) => records.filter((r) => r.split === name).length;
    assert.ok(bySplit('train') > 0 && bySplit('validation') > 0, 'both sides hold records');
    const counted = (split: string) => Object.entries(manifest.counts).filter(([k]) => k.startsWith(`${split}/`)).reduce((a, [, n]) => a + n, 0);
    assert.equal(counted('train'), bySplit('train'));
    assert.equal(counted('validation'), bySplit('validation'));
    assert.deepEqual(readdirSync(join(dir, 'out')).filter((f) => f.endsWith('.partial')), []);
  });

  it('drops exact duplicates and redacts planted secrets', async () => {
    const manifest = await run({ format: 'trl-sft', role: 'worker' });
    const text = readFileSync(join(dir, 'out', manifest.files[0]!.path), 'utf8');
    assert.ok(manifest.dropped.duplicates >= 1, 'the twin task is dropped as a duplicate');
    const contents = text.split('\n').filter(Boolean).map((line) => { const { metadata: _m, ...rest } = JSON.parse(line) as Json; return JSON.stringify(rest); });
    assert.equal(new Set(contents).size, contents.length);
    for (const secret of PLANTED_SECRETS) assert.ok(!text.includes(secret), `secret ${secret.slice(0, 6)}… leaked`);
    assert.ok(manifest.redactions >= 2);
    assert.match(text, /\[REDACTED:aws-access-key\]/);
  });

  it('keeps each role to its own turns and tools', async () => {
    for (const role of ['orchestrator', 'worker'] as const) {
      const manifest = await run({ format: 'openai-sft', role });
      const names = new Set(toolDefinitions(role).map((t) => t.name));
      for (const { record } of readRecords(join(dir, 'out'), manifest)) {
        assert.equal(record.metadata.role, role);
        assert.deepEqual(new Set(record.tools.map((t: Json) => t.function.name)), names);
        for (const m of record.messages) for (const call of m.tool_calls ?? []) assert.ok(names.has(call.function.name), `${role} record calls ${call.function.name}`);
      }
      assert.ok(Object.keys(manifest.counts).every((k) => k.includes(`/${role}/`)));
    }
  });

  it('filters by --min-signal, --since and --repo', async () => {
    const merged = readRecords(join(dir, 'out'), await run({ format: 'trl-sft', role: 'all', minSignal: 'merged' }));
    assert.ok(merged.length > 0);
    assert.ok(merged.every(({ record }) => record.metadata.label === 'merged' && record.metadata.signal.kind === 'merged'));

    const since = new Date(START + 20 * DAY).toISOString().slice(0, 10);
    const recent = readRecords(join(dir, 'out'), await run({ format: 'trl-sft', role: 'all', since }));
    assert.ok(recent.length > 0);
    const early = new Set(tasks.filter((t) => t.createdAt < START + 20 * DAY).map((t) => t.id));
    assert.ok(recent.every(({ record }) => !early.has(record.metadata.task_id)));

    const lib = readRecords(join(dir, 'out'), await run({ format: 'trl-sft', role: 'all', repo: REPO_LIB }));
    assert.ok(lib.length > 0);
    assert.ok(lib.every(({ record }) => record.metadata.repo.path === REPO_LIB));
  });

  it('refuses bad options with a message the user can act on, writing nothing', async () => {
    await assert.rejects(run({ format: 'trl-sft', role: 'all', repo: '/srv/repos/nope' }), (e: Error) =>
      e instanceof ExportInputError && /No tasks were recorded for the repo \/srv\/repos\/nope.*Known repos: .*\/srv\/repos\/app/.test(e.message));
    await assert.rejects(run({ format: 'csv' as ExportFormat, role: 'all' }), /Unknown format "csv"\. Use one of: openai-sft/);
    await assert.rejects(run({ format: 'trl-sft', role: 'all', since: 'last tuesday' }), /Cannot read --since "last tuesday"/);
    await assert.rejects(run({ format: 'trl-sft', role: 'all', split: 1.5 }), /--split must be a fraction/);
    await assert.rejects(exportDataset(join(dir, 'missing.db'), { format: 'trl-sft', role: 'all', out: join(dir, 'x.jsonl') }), /No Tandem store at/);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('x.')), []);
  });
});

/** What the schemas cannot say: calls answered in order, positions, parseable arguments. */
function checkStructure(format: ExportFormat, record: Json): void {
  const role = record.metadata.role as 'orchestrator' | 'worker';
  const toolNames = new Set(toolDefinitions(role).map((t) => t.name));
  const checkMessages = (messages: Json[], stringArgs: boolean) => {
    let open: Set<string> = new Set();
    for (const m of messages) {
      if (m.role === 'assistant' && m.tool_calls) {
        open = new Set(m.tool_calls.map((c: Json) => c.id));
        for (const c of m.tool_calls) {
          assert.ok(toolNames.has(c.function.name));
          const args = stringArgs ? JSON.parse(c.function.arguments) : c.function.arguments;
          assert.equal(typeof args, 'object');
        }
      } else if (m.role === 'tool') {
        assert.ok(open.has(m.tool_call_id), `tool result ${m.tool_call_id} answers no open call`);
      } else {
        open = new Set();
      }
    }
  };
  switch (format) {
    case 'openai-sft':
      checkMessages(record.messages, true);
      assert.equal(record.messages.at(-1).role, 'assistant');
      assert.ok(record.messages.some((m: Json) => m.role === 'assistant' && m.weight !== 0), 'something to train on');
      break;
    case 'trl-sft':
      checkMessages(record.messages, false);
      break;
    case 'sharegpt': {
      const turns = record.conversations as Json[];
      assert.equal(turns.length % 2, 0);
      turns.forEach((t, i) => assert.ok((i % 2 === 0 ? ['human', 'observation'] : ['gpt', 'function_call']).includes(t.from), `${t.from} at ${i}`));
      for (const t of turns.filter((t) => t.from === 'function_call')) {
        const call = JSON.parse(t.value);
        assert.ok(toolNames.has(call.name) && typeof call.arguments === 'object');
      }
      assert.deepEqual(JSON.parse(record.tools).map((t: Json) => t.name), [...toolNames]);
      assert.ok(record.system.length > 0);
      break;
    }
    case 'trl-dpo':
      checkMessages([...record.prompt, ...record.chosen], false);
      checkMessages([...record.prompt, ...record.rejected], false);
      assert.notDeepEqual(record.chosen, record.rejected);
      assert.equal(record.chosen[0].role, 'assistant');
      break;
    case 'openai-dpo':
      checkMessages(record.input.messages, true);
      assert.notDeepEqual(record.preferred_output, record.non_preferred_output);
      break;
    case 'trl-kto':
      checkMessages([...record.prompt, ...record.completion], false);
      assert.equal(record.label, ['approved', 'merged'].includes(record.metadata.label));
      break;
    case 'tandem-steps':
      // The step as the runtime saw it: its unit's provenance names it, and its output is the action's JSON text.
      assert.ok(record.metadata.step_ids.includes(record.step_id));
      assert.equal(record.label, record.metadata.label);
      assert.equal(record.role, record.metadata.role);
      assert.equal(record.messages[0].role, 'system');
      assert.equal(typeof JSON.parse(record.output), 'object');
      break;
  }
}

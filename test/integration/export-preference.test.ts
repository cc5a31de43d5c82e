// Preference data from a real store: DPO pairs take the approved version as chosen (the user's
// edited file when they edited before approving) and the rejected one as rejected; KTO gets the
// approved and rejected work no pair used; SFT learns the user's edit, and --min-signal merged
// leaves out what was reverted.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExportFormat, Role } from '../../daemon/src/protocol/types.js';
import { exportDataset } from '../../daemon/src/store/export/export-dataset.js';
import { fixedSource, recordTask } from '../support/trajectory-scenarios.js';
import { TrajectoryStoreBuilder } from '../support/trajectory-store-builder.js';

// Records are read as plain JSON and checked field by field.
type Json = Record<string, any>;

const FILE = 'src/math/range.ts';
const WEAK = fixedSource(FILE, 'Error');
const GOOD = fixedSource(FILE);
const USER = GOOD.replace('clamp: min', 'clamp(): min') + '\nexport const CLAMP_CHECKS_BOUNDS = true;\n';

/** The content of every write_file call in a list of TRL messages. */
function writes(messages: Json[]): string[] {
  return messages.flatMap((m) => (m.tool_calls ?? []).filter((c: Json) => c.function.name === 'write_file').map((c: Json) => c.function.arguments.content));
}

describe('tandem export: preference pairs', function () {
  let dir: string;
  let db: string;
  const exportRecords = async (format: ExportFormat, role: Role | 'all', minSignal?: 'approved' | 'merged') => {
    const out = join(dir, `${format}-${role}-${minSignal ?? 'approved'}.jsonl`);
    await exportDataset(db, { format, role, out, minSignal });
    return readFileSync(out, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Json);
  };
  const forTask = (records: Json[], taskId: string) => records.filter((r) => r.metadata.task_id === taskId);

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tandem-export-pairs-'));
    db = join(dir, 'tandem.db');
    const b = TrajectoryStoreBuilder.create(db);
    const repoId = b.repo('/srv/repos/app');
    recordTask(b, { id: 'revised', repoId, rounds: [{ versions: [
      { content: WEAK, verdict: 'reject', reason: 'Throw a RangeError.' },
      { content: GOOD, verdict: 'approve' },
    ] }] });
    recordTask(b, { id: 'revised-then-edited', repoId, rounds: [{ versions: [
      { content: WEAK, verdict: 'reject', reason: 'Throw a RangeError.' },
      { content: GOOD, verdict: 'approve_with_edits', edited: USER },
    ] }] });
    recordTask(b, { id: 'edited', repoId, rounds: [{ versions: [{ content: GOOD, verdict: 'approve_with_edits', edited: USER }] }] });
    recordTask(b, { id: 'new-round', repoId, rounds: [
      { versions: [{ content: WEAK, verdict: 'reject', reason: 'Wrong error type.' }] },
      { versions: [{ content: GOOD, verdict: 'approve' }] },
    ] });
    recordTask(b, { id: 'approved', repoId, file: 'src/a.ts', rounds: [{ versions: [{ content: fixedSource('src/a.ts'), verdict: 'approve' }] }] });
    recordTask(b, { id: 'rejected', repoId, file: 'src/b.ts', rounds: [{ versions: [{ content: fixedSource('src/b.ts', 'Error'), verdict: 'reject', reason: 'No.' }] }] });
    recordTask(b, { id: 'merged', repoId, file: 'src/c.ts', rounds: [{ versions: [{ content: fixedSource('src/c.ts'), verdict: 'approve' }] }], signal: 'merged' });
    recordTask(b, { id: 'reverted', repoId, file: 'src/d.ts', rounds: [{ versions: [{ content: fixedSource('src/d.ts'), verdict: 'approve' }] }], signal: 'reverted' });
    b.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('pairs the approved version of a subtask (chosen) with its rejected version', async () => {
    const [pair, ...more] = forTask(await exportRecords('trl-dpo', 'worker'), 'revised');
    assert.equal(more.length, 0);
    assert.deepEqual(writes(pair!.chosen), [GOOD]);
    assert.deepEqual(writes(pair!.rejected), [WEAK]);
    assert.equal(pair!.metadata.pair.kind, 'versions');
    assert.equal(pair!.metadata.label, 'approved');
    assert.equal(pair!.metadata.pair.rejected.label, 'rejected');
    assert.equal(pair!.metadata.pair.rejected.review.files[0].reason, 'Throw a RangeError.');
    // The prompt is the subtask's instruction: not the rejected attempt or the reviewer's note.
    assert.ok(!JSON.stringify(pair!.prompt).includes('rejected this version'));
  });

  it("takes the user's edited file as the chosen side when they edited before approving", async () => {
    const [pair] = forTask(await exportRecords('trl-dpo', 'worker'), 'revised-then-edited');
    assert.deepEqual(writes(pair!.chosen), [USER]);
    assert.deepEqual(writes(pair!.rejected), [WEAK]);
    assert.ok(!JSON.stringify(pair!.chosen).includes(JSON.stringify(GOOD).slice(1, -1)), "the worker's unedited version is not in chosen");
  });

  it("pairs an edited approval with the worker's own version when nothing was rejected", async () => {
    const [pair] = forTask(await exportRecords('trl-dpo', 'worker'), 'edited');
    assert.equal(pair!.metadata.pair.kind, 'user_edit');
    // Both sides read the same file first; the turns they share moved into the prompt.
    assert.ok(pair!.prompt.some((m: Json) => m.tool_calls?.[0].function.name === 'read_file'));
    assert.equal(pair!.chosen[0].tool_calls[0].function.name, 'write_file');
    assert.deepEqual(writes(pair!.chosen), [USER]);
    assert.deepEqual(writes(pair!.rejected), [GOOD]);

    const [openai] = forTask(await exportRecords('openai-dpo', 'worker'), 'edited');
    const content = (side: Json[]) => JSON.parse(side[0].tool_calls[0].function.arguments).content;
    assert.equal(content(openai!.preferred_output), USER);
    assert.equal(content(openai!.non_preferred_output), GOOD);
  });

  it("pairs the orchestrator's approved round with its rejected round", async () => {
    const pairs = forTask(await exportRecords('trl-dpo', 'orchestrator'), 'new-round');
    assert.equal(pairs.length, 1);
    assert.equal(pairs[0]!.metadata.round, 1);
    assert.equal(pairs[0]!.metadata.pair.rejected.round, 0);
    assert.ok(pairs[0]!.chosen.every((m: Json) => m.role !== 'assistant' || ['delegate', 'accept', 'finish', 'revise', 'give_up'].includes(m.tool_calls[0].function.name)));
  });

  it('gives KTO the approved and rejected work that no pair used', async () => {
    const records = await exportRecords('trl-kto', 'worker');
    const labels = new Map(records.map((r) => [r.metadata.task_id, r.label]));
    assert.equal(labels.get('approved'), true);
    assert.equal(labels.get('merged'), true);
    assert.equal(labels.get('rejected'), false);
    assert.equal(labels.get('reverted'), false);
    for (const paired of ['revised', 'revised-then-edited', 'edited']) assert.ok(!labels.has(paired), `${paired} is already in a pair`);
    // A new round re-delegates as a new subtask: its worker attempts are not versions of one subtask.
    const rounds = records.filter((r) => r.metadata.task_id === 'new-round').map((r) => [r.metadata.round, r.label]);
    assert.deepEqual(rounds.sort(), [[0, false], [1, true]]);
  });

  it("trains SFT on the user's edit, and --min-signal merged keeps only landed, unreverted work", async () => {
    const [edited] = forTask(await exportRecords('trl-sft', 'worker'), 'edited');
    assert.deepEqual(writes(edited!.messages), [USER]);
    assert.equal(edited!.metadata.review.edited, true);

    const merged = await exportRecords('trl-sft', 'all', 'merged');
    assert.deepEqual([...new Set(merged.map((r) => r.metadata.task_id))], ['merged']);
    assert.deepEqual(merged.map((r) => r.metadata.role).sort(), ['orchestrator', 'worker']);
    assert.equal(merged[0]!.metadata.signal.kind, 'merged');
    assert.equal(merged[0]!.metadata.repo.applied_commit, 'd'.repeat(40));
  });
});

// DPO pairs for the training workspace: within one piece of work, each approved version's first step
// against each rejected version's first step; later steps, unlabeled work and equal answers pair with nothing.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hfBaseMismatch } from '../../../daemon/src/training/base-match.js';
import { isGood, type StepRecord } from '../../../daemon/src/training/step-records.js';
import { preferencePairs } from '../../../daemon/src/training/train-workspace.js';

let nextId = 1;
function record(pairKey: string, label: StepRecord['label'], output: string, firstOfVersion = true): StepRecord {
  return { taskId: pairKey.split(':')[0]!, stepId: nextId++, role: 'orchestrator', turns: [], output, label, pairKey, firstOfVersion, split: 'train' };
}

describe('training: preference pairs', () => {
  it('pairs approved first steps with rejected ones of the same work only', () => {
    const good = record('t1:orchestrator', 'approved', 'A');
    const bad = record('t1:orchestrator', 'rejected', 'B');
    const later = record('t1:orchestrator', 'rejected', 'C', false);
    const otherTask = record('t2:orchestrator', 'rejected', 'D');
    const unreviewed = record('t1:orchestrator', 'unreviewed', 'E');
    const same = record('t1:orchestrator', 'reverted', 'A');
    const pairs = preferencePairs([good, bad, later, otherTask, unreviewed, same], (r) => isGood(r.label));
    assert.deepEqual(pairs.map((p) => [p.chosen.output, p.rejected.output]), [['A', 'B']]);
  });

  it('merged counts as good at --min-signal merged; approved does not', () => {
    const pairs = preferencePairs([record('t:w', 'merged', 'M'), record('t:w', 'approved', 'A'), record('t:w', 'reverted', 'R')], (r) => isGood(r.label, 'merged'));
    assert.deepEqual(pairs.map((p) => [p.chosen.output, p.rejected.output]), [['M', 'R']]);
  });
});

describe('training: the Hugging Face base against the GGUF', () => {
  const gguf = { architecture: 'llama', vocab_size: 514, hidden_size: 64, layers: 2 };
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tandem-base-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts a folder of the same shape and a Hub id (checked later, in train.py)', () => {
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ vocab_size: 514, hidden_size: 64, num_hidden_layers: 2 }));
    assert.equal(hfBaseMismatch(dir, gguf), null);
    assert.equal(hfBaseMismatch('Qwen/Qwen2.5-Coder-1.5B-Instruct', gguf), null);
  });

  it('names every difference, and a folder that is not a model', () => {
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ vocab_size: 32000, hidden_size: 64, num_hidden_layers: 4 }));
    assert.match(hfBaseMismatch(dir, gguf)!, /vocab_size: Hugging Face 32000, GGUF 514; layers: Hugging Face 4, GGUF 2/);
    rmSync(join(dir, 'config.json'));
    assert.match(hfBaseMismatch(dir, gguf)!, /not a Hugging Face model folder/);
  });
});

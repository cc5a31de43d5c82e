import assert from 'node:assert/strict';
import { preferencePairs, unpairedExamples } from '../../../daemon/src/store/export/preference-pairs.js';
import type { Label, TrajectoryMessage, TrajectoryUnit } from '../../../daemon/src/store/export/trajectory.js';

const call = (name: string, instruction: string, id: number): TrajectoryMessage =>
  ({ role: 'assistant', content: '', toolCall: { id: `call_${id}`, name, arguments: { instruction } } });
const argsOf = (m: TrajectoryMessage): unknown => (m.role === 'assistant' ? m.toolCall?.arguments : null);
const result = (name: string, id: number): TrajectoryMessage => ({ role: 'tool', content: `${name} → ok`, toolCallId: `call_${id}`, name });

/** One orchestrator unit: steps numbered from `firstStep`, each a call and its result. */
function unit(label: Label, round: number, firstStep: number, actions: [string, string][], shape: { whole: boolean; start: boolean }): TrajectoryUnit {
  const completion = actions.flatMap(([name, instruction], i) => [call(name, instruction, firstStep + i), result(name, firstStep + i)]).slice(0, -1);
  return {
    role: 'orchestrator', prompt: [{ role: 'system', content: 'sys' }, { role: 'user', content: `round ${round}` }], completion,
    pairKey: 't:orchestrator', wholeVersion: shape.whole, versionStart: shape.start,
    provenance: {
      task_id: 't', subtask_id: null, round, role: 'orchestrator', step_ids: actions.map((_, i) => firstStep + i), base_model_sha: null,
      adapter_version: null, adapter_sha: null, prompt_version: 'p', repo: { path: '/r', remote: null, base_commit: 'c', applied_commit: null },
      review: null, signal: null, label,
    },
  };
}

const rejectedRound = unit('rejected', 1, 1, [['delegate', 'TODO'], ['accept', ''], ['finish', '']], { whole: true, start: true });

describe('preferencePairs', () => {
  it('pairs two whole rounds from the point where they differ', () => {
    const approved = unit('approved', 2, 10, [['delegate', 'NOTES'], ['accept', ''], ['finish', '']], { whole: true, start: true });
    const { pairs } = preferencePairs([rejectedRound, approved], 'approved');
    assert.equal(pairs.length, 1);
    assert.equal(pairs[0]!.chosen.length, 5);
    assert.deepEqual(pairs[0]!.metadata.step_ids, [10, 11, 12]);
  });

  it('pairs a round that a context break split by the action each round opened with', () => {
    // Compaction cut round 2's prompt after its first step: three units, the first starting the version.
    const split = [
      unit('approved', 2, 10, [['delegate', 'NOTES']], { whole: false, start: true }),
      unit('approved', 2, 11, [['accept', '']], { whole: false, start: false }),
      unit('approved', 2, 12, [['finish', '']], { whole: false, start: false }),
    ];
    const { pairs, paired } = preferencePairs([rejectedRound, ...split], 'approved');
    assert.equal(pairs.length, 1);
    const [pair] = pairs;
    assert.deepEqual(pair!.chosen.map(argsOf), [{ instruction: 'NOTES' }]);
    assert.deepEqual(pair!.rejected.map(argsOf), [{ instruction: 'TODO' }]);
    assert.deepEqual(pair!.metadata.step_ids, [10]);
    assert.deepEqual(pair!.metadata.pair.rejected.step_ids, [1]);
    // The rejected round's first prompt, as for whole rounds.
    assert.equal(pair!.prompt.at(-1)!.content, 'round 1');
    // The split round's later units carry no pair; they stay for KTO.
    assert.deepEqual(unpairedExamples([rejectedRound, ...split], paired, 'approved').map((e) => e.metadata.step_ids), [[11], [12]]);
  });

  it('makes no pair when split versions open with the same action', () => {
    const split = unit('approved', 2, 10, [['delegate', 'TODO']], { whole: false, start: true });
    assert.equal(preferencePairs([rejectedRound, split], 'approved').pairs.length, 0);
  });
});

import assert from 'node:assert/strict';
import { splitOf } from '../../../daemon/src/store/export/split.js';

describe('splitOf', () => {
  const ids = Array.from({ length: 2000 }, (_, i) => `task-${i.toString(36)}-${(i * 7919).toString(16)}`);

  it('puts the same task on the same side every time', () => {
    for (const id of ids.slice(0, 50)) assert.equal(splitOf(id, 0.9), splitOf(id, 0.9));
  });

  it('sends about the asked fraction of tasks to train', () => {
    const train = ids.filter((id) => splitOf(id, 0.9) === 'train').length / ids.length;
    assert.ok(train > 0.86 && train < 0.94, `train fraction ${train}`);
  });

  it('keeps a task in train when the train fraction grows', () => {
    for (const id of ids) if (splitOf(id, 0.5) === 'train') assert.equal(splitOf(id, 0.8), 'train');
  });

  it('sends everything to train at 1', () => {
    assert.ok(ids.every((id) => splitOf(id, 1) === 'train'));
  });
});

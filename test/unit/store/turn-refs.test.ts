// Turn refs: the version-2 `role:hash` form and the version-1 JSON-blob hash read back the same turn.
import assert from 'node:assert/strict';
import { resolveTurn, turnRef } from '../../../daemon/src/store/turn-refs.js';

const HASH = 'a'.repeat(64);
const V1_HASH = 'b'.repeat(64);
const blobs = new Map([[HASH, 'line one\n"quoted": yes'], [V1_HASH, JSON.stringify({ role: 'tool', content: 'old\n' })]]);
const blob = (hash: string) => blobs.get(hash) ?? null;

describe('store: turn refs', () => {
  it('names a turn by its role and the hash of its plain content', () => {
    assert.equal(turnRef('assistant', HASH), `assistant:${HASH}`);
    assert.deepEqual(resolveTurn(turnRef('assistant', HASH), blob), { role: 'assistant', content: 'line one\n"quoted": yes' });
    assert.deepEqual(resolveTurn(turnRef('system', HASH), blob), { role: 'system', content: 'line one\n"quoted": yes' });
  });

  it('reads a version-1 ref, the hash of the turn as JSON', () => {
    assert.deepEqual(resolveTurn(V1_HASH, blob), { role: 'tool', content: 'old\n' });
  });

  it('gives null for a missing blob or a role it does not know, in either form', () => {
    assert.equal(resolveTurn(`user:${'c'.repeat(64)}`, blob), null);
    assert.equal(resolveTurn('c'.repeat(64), blob), null);
    assert.equal(resolveTurn(`narrator:${HASH}`, blob), null);
  });
});

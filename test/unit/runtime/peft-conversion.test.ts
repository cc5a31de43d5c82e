// The pure parts of the PEFT import: half and bfloat widening, and the RoPE row order of q/k's lora_B.
import assert from 'node:assert/strict';
import { halfToFloat } from '../../../daemon/src/runtime/safetensors-reader.js';
import { permuteRows } from '../../../daemon/src/runtime/peft-to-gguf.js';

describe('PEFT conversion parts', () => {
  it('widens half precision exactly', () => {
    assert.equal(halfToFloat(0x3c00), 1);
    assert.equal(halfToFloat(0xc000), -2);
    assert.equal(halfToFloat(0x0001), 2 ** -24);
    assert.equal(halfToFloat(0x7bff), 65504);
    assert.equal(halfToFloat(0x7c00), Infinity);
  });

  it("interleaves each head's two halves as convert_hf_to_gguf.py's permute does", () => {
    // 2 heads of dimension 4, one column: rows [h0: 0 1 | 2 3, h1: 4 5 | 6 7] become [0 2 1 3, 4 6 5 7].
    const rows = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual([...permuteRows(rows, 8, 1, 2)], [0, 2, 1, 3, 4, 6, 5, 7]);
    // Whole rows move: two columns keep their pairs.
    const wide = Float32Array.from([0, 10, 1, 11, 2, 12, 3, 13]);
    assert.deepEqual([...permuteRows(wide, 4, 2, 1)], [0, 10, 2, 12, 1, 11, 3, 13]);
  });
});

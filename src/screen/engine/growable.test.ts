/**
 * The columns a large index is built in: values come back as pushed, whatever width they needed
 * and whether the column is kept whole (a million values or fewer) or as steps from a value every 16.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GrowableUint, MonotoneColumnBuilder } from "./growable.js";

describe("screening index columns", () => {
  it("a column of whole numbers widens from one byte to two and four as larger values come", () => {
    const c = new GrowableUint(4);
    const values = [0, 255, 3, 256, 65535, 65536, 2 ** 31 - 1, 7];
    for (const v of values) c.push(v);
    assert.deepEqual([...c.finish()], values);
    assert.ok(c.finish() instanceof Int32Array);
  });

  for (const n of [1000, (1 << 20) + 4321]) {
    it(`a non-decreasing column of ${n.toLocaleString("en-US")} values reads back each (steps of 0 to 70,000, offsets past 2^32)`, () => {
      const b = new MonotoneColumnBuilder(16);
      const values: number[] = [];
      let x = 2 ** 32 - 5000;
      for (let i = 0; i < n; i++) {
        x += i % 97 === 0 ? 70_000 : (i * 7) % 5;
        values.push(x);
        b.push(x);
      }
      const col = b.finish();
      assert.equal(col.length, n);
      for (let i = 0; i < n; i += i < 64 ? 1 : 613) assert.equal(col.get(i), values[i], `value ${i}`);
      assert.equal(col.get(n - 1), values[n - 1]);
      assert.throws(() => b.push(0), /went down/);
    });
  }
});

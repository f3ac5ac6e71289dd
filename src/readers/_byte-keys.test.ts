/**
 * The byte-keyed table of repeat keys: a key comes back only for the same bytes in ranges of the
 * same lengths, never on a hash alone, and the table forgets everything when full.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createByteKeys, HASH_START, hashStep, MAX_ENTRIES } from "./_byte-keys.js";

/** Ranges over `bytes` as the readers give them: start/end pairs. */
const ranges = (...pairs: [number, number][]): Int32Array => Int32Array.from(pairs.flat());

function hash(bytes: Uint8Array, r: Int32Array, count: number): number {
  let h = HASH_START;
  for (let i = 0; i < count; i++) {
    h = hashStep(h, r[2 * i + 1]! - r[2 * i]!);
    for (let j = r[2 * i]!; j < r[2 * i + 1]!; j++) h = hashStep(h, bytes[j]!);
  }
  return h;
}

describe("byte keys", () => {
  it("gives back the remembered key, the same string, for the same bytes anywhere in another buffer", () => {
    const keys = createByteKeys();
    const a = Buffer.from("h1,ksnip,Damir Porobic,1.0");
    const r = ranges([0, 0], [2, 23]); // the host cell and the version cell left out
    const key = ["csv#0", "", "ksnip", "Damir Porobic", ""].join("\u0000");
    assert.equal(keys.find(hash(a, r, 2), a, r, 2), undefined);
    keys.remember(hash(a, r, 2), a, r, 2, key);
    const b = Buffer.from("xx another-host,ksnip,Damir Porobic,2.5");
    const rb = ranges([3, 3], [15, 36]);
    assert.equal(b.toString("latin1", 15, 36), a.toString("latin1", 2, 23));
    assert.equal(keys.find(hash(b, rb, 2), b, rb, 2), key);
  });

  it("never trusts a hash alone: other bytes under the same hash find nothing", () => {
    const keys = createByteKeys();
    const a = Buffer.from("Telegram Desktop");
    const b = Buffer.from("Telegram Desktoq");
    const r = ranges([0, 16]);
    keys.remember(7, a, r, 1, "telegram");
    assert.equal(keys.find(7, a, r, 1), "telegram");
    assert.equal(keys.find(7, b, r, 1), undefined, "one byte differs");
    keys.remember(7, b, r, 1, "other");
    assert.equal(keys.find(7, a, r, 1), "telegram", "both kept under one hash");
    assert.equal(keys.find(7, b, r, 1), "other");
  });

  it("tells ranges apart by their lengths and their number, not only by the bytes one after another", () => {
    const keys = createByteKeys();
    const bytes = Buffer.from("abcdef");
    keys.remember(1, bytes, ranges([0, 2], [2, 6]), 2, "ab|cdef");
    assert.equal(keys.find(1, bytes, ranges([0, 3], [3, 6]), 2), undefined, "the same six bytes, cut elsewhere");
    assert.equal(keys.find(1, bytes, ranges([0, 6]), 1), undefined, "one range");
    assert.equal(keys.find(1, bytes, ranges([0, 2], [2, 6]), 2), "ab|cdef");
  });

  it("forgets every key once it holds its most, so memory stays bounded", () => {
    const keys = createByteKeys();
    const r = ranges([0, 8]);
    const record = (i: number) => Buffer.from(i.toString(16).padStart(8, "0"));
    for (let i = 0; i < MAX_ENTRIES; i++) keys.remember(i, record(i), r, 1, `k${i}`);
    assert.equal(keys.find(0, record(0), r, 1), "k0", "full, not yet cleared");
    keys.remember(MAX_ENTRIES, record(MAX_ENTRIES), r, 1, "last");
    assert.equal(keys.find(0, record(0), r, 1), undefined, "cleared");
    assert.equal(keys.find(MAX_ENTRIES, record(MAX_ENTRIES), r, 1), "last");
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { rawLineBatches, type RawBatch } from "./_raw-lines.js";

/**
 * The splitter as it was before it stopped copying whole chunks (carry and chunk were joined
 * into one buffer every time): the reference the current one must agree with.
 */
async function* reference(chunks: AsyncIterator<Uint8Array>, maxLine: number, tooLong: { bytes?: Buffer }): AsyncGenerator<RawBatch> {
  let carry: Buffer = Buffer.alloc(0);
  for (;;) {
    const next = await chunks.next();
    if (next.done) break;
    const chunk = next.value;
    const buf = carry.length === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.concat([carry, chunk]);
    const nl = buf.lastIndexOf(10);
    if (nl === -1) {
      carry = buf;
      if (carry.length > maxLine) {
        tooLong.bytes = carry;
        return;
      }
      continue;
    }
    carry = nl + 1 === buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(nl + 1));
    yield { bytes: buf.subarray(0, nl + 1), last: false };
  }
  yield { bytes: carry, last: true };
}

async function* chunksOf(bytes: Buffer, cuts: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const c of [...new Set(cuts.map((x) => x % (bytes.length + 1)))].sort((a, b) => a - b)) {
    yield bytes.subarray(at, c);
    at = c;
  }
  yield bytes.subarray(at);
}

/** What a reader sees: the lines (the batches joined), the last batch's text, and what ended the batches. */
async function outcome(split: typeof rawLineBatches, bytes: Buffer, cuts: number[], maxLine: number) {
  const tooLong: { bytes?: Buffer } = {};
  const batches: Buffer[] = [];
  let last: string | undefined;
  for await (const b of split(chunksOf(bytes, cuts), maxLine, tooLong)) {
    if (!b.last) assert.ok(b.bytes.length === 0 || b.bytes[b.bytes.length - 1] === 10, "a batch holds whole lines");
    batches.push(Buffer.from(b.bytes));
    if (b.last) last = b.bytes.toString("latin1");
  }
  return { text: Buffer.concat(batches).toString("latin1"), last, tooLong: tooLong.bytes?.toString("latin1") };
}

describe("rawLineBatches", () => {
  it("gives the same lines, the same last line and the same too-long line as the reference, however the input is cut", async () => {
    const text = fc.array(fc.oneof(fc.constantFrom("\n", "\r\n", "a", "é", ",", '"'), fc.string({ maxLength: 12 })), { maxLength: 60 }).map((p) => p.join(""));
    await fc.assert(
      fc.asyncProperty(text, fc.array(fc.nat(800), { maxLength: 12 }), fc.integer({ min: 1, max: 40 }), async (s, cuts, maxLine) => {
        const bytes = Buffer.from(s, "utf8");
        for (const limit of [maxLine, Infinity]) {
          assert.deepEqual(await outcome(rawLineBatches, bytes, cuts, limit), await outcome(reference, bytes, cuts, limit));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("keeps every byte of a long input read in many chunks", async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `row ${i},${"x".repeat(i % 97)}`).join("\n");
    const bytes = Buffer.from(lines);
    const cuts = Array.from({ length: 300 }, (_, i) => (i * 7919) % bytes.length);
    const got = await outcome(rawLineBatches, bytes, cuts, Infinity);
    assert.equal(got.text, lines);
    assert.equal(got.last, "row 4999," + "x".repeat(4999 % 97));
  });
});
